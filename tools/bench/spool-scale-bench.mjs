#!/usr/bin/env node
// What the log spool costs as servings and their backlogs grow, without a broker (its transport never
// answers, as when Kafka is down):
//   memory:  the process's RSS and arrayBuffers while N servings wait to retry a full batch each
//            (MNIST-sized records, the gateway's default batch limits), measured first;
//   enqueue: µs per record accepted on the request path (the cap check, the frame written into the
//            spool's buffer) with N servings, each holding --segments sealed segments of backlog.
// --root DIR measures another build (a worktree of an older commit with its own dist/), for before/after
// figures from one run. Usage: node tools/scripts/build.mjs && node --expose-gc tools/bench/spool-scale-bench.mjs
//        [--servings 1,100,1000] [--segments 4] [--records 50000] [--memory-servings 40] [--root DIR]
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gatewaySpoolOptions, option, root as repoRoot } from './bench-kit.mjs';

const require = createRequire(import.meta.url);
const root = resolve(option('root', repoRoot));
const dist = (path) => require(join(root, 'dist', path));
const { SpooledLogPipeline } = dist('libs/inference-log/sinks/src/index.js');
const servingCounts = option('servings', '1,100,1000').split(',').map(Number);
const segments = Number(option('segments', '4'));
const records = Number(option('records', '50000'));
const memoryServings = Number(option('memory-servings', '40'));
const quiet = { log() {}, warn() {}, error() {} };
const never = {
  name: 'down',
  send: () => new Promise(() => {}),
  isPermanent: () => false,
  close: async () => {},
};
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
const SEGMENT_BYTES = 65536;

const entry = (s, body) => ({
  destination: { servingId: s, servingName: `m${s}`, topic: `t${s}` },
  record: {
    modelId: s,
    modelName: `m${s}`,
    modelVersion: 1,
    requestTimestamp: Date.now(),
    responseHttpCode: 200,
    inferenceRequest: body,
    inferenceResponse: Buffer.from('{"predictions":[[0.1,0.9]]}'),
  },
});

async function enqueueCost(servings) {
  const dir = mkdtempSync(join(tmpdir(), 'spool-scale-'));
  const pipeline = await SpooledLogPipeline.open(
    never,
    gatewaySpoolOptions(dir, { fsync: 'never', maxBytes: 2 ** 40, segmentBytes: SEGMENT_BYTES }),
    {},
    quiet,
  );
  const small = Buffer.from('{"instances":[[1,2,3,4]]}');
  for (let s = 1; s <= servings; s++) {
    for (let i = 0; i < (segments * SEGMENT_BYTES) / 90; i++) pipeline.enqueue(entry(s, small));
    await pause(15);
  }
  await pause(200);
  const one = entry(1, small);
  const figures = [];
  for (let round = 0; round < 3; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < records; i++) pipeline.enqueue(one);
    figures.push(Number(process.hrtime.bigint() - started) / 1000 / records);
    await pause(50);
  }
  const spoolMb = pipeline.snapshot().spoolBytes / 2 ** 20;
  await pipeline.close(10);
  rmSync(dir, { recursive: true, force: true });
  return { figures, spoolMb };
}

async function outageMemory(servings) {
  require(join(root, 'node_modules/reflect-metadata'));
  const { loadConfig } = dist('apps/api/src/config/load-config.js');
  const { createLogSink, createLogWriter } = dist('apps/api/src/inference-log/log-sink.factory.js');
  const { MetricsService } = dist('apps/api/src/metrics/metrics.service.js');
  const dir = mkdtempSync(join(tmpdir(), 'spool-outage-'));
  // Nothing listens on port 1: every produce fails (retryable) and is retried after the back-off.
  const config = loadConfig({ KAFKA_BROKERS: '127.0.0.1:1', DATA_DIR: dir });
  const writer = await createLogWriter(config, createLogSink(config, quiet), new MetricsService(), quiet);
  const floats = Array.from({ length: 784 }, (_, i) => ((i * 37) % 1000) / 1000).join(',');
  const body = Buffer.from(`{"signature_name":"predict_images","instances":[[${floats}]]}`);
  for (let s = 1; s <= servings; s++) {
    for (let i = 0; i < 200; i++) writer.enqueue(entry(s, body));
    await pause(1);
  }
  const samples = [];
  for (let t = 0; t < 3; t++) {
    await pause(5000);
    global.gc?.();
    const m = process.memoryUsage();
    const stats = writer.snapshot();
    samples.push({ rssMb: m.rss / 2 ** 20, arrayBuffersMb: m.arrayBuffers / 2 ** 20, ...stats });
  }
  await writer.close(10).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  return samples;
}

console.log(`spool scale bench, build ${root}`);
// Memory first: what the enqueue rounds allocate would stay in the RSS.
if (!global.gc) console.log('(run with --expose-gc for the memory figures after a full GC)');
for (const sample of await outageMemory(memoryServings)) {
  console.log(
    `broker down, ${memoryServings} servings with a backlog of 200 MNIST-sized records each: ` +
      `RSS ${sample.rssMb.toFixed(1)} MB, arrayBuffers ${sample.arrayBuffersMb.toFixed(1)} MB, ` +
      `depth ${sample.depth}, failed attempts ${sample.failedAttempts}, sent ${sample.sent}, dropped ${sample.dropped}`,
  );
}
for (const servings of servingCounts) {
  const { figures, spoolMb } = await enqueueCost(servings);
  console.log(
    `enqueue, ${servings} serving(s) with ${segments} segments of backlog each (spool ${spoolMb.toFixed(0)} MB): ` +
      `${figures.map((f) => f.toFixed(2)).join(' / ')} µs per record (3 rounds of ${records})`,
  );
}
process.exit(0);
