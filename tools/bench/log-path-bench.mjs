#!/usr/bin/env node
// The gateway's whole Kafka log path without HTTP: records enqueued into the SpooledLogPipeline (the spool,
// as the gateway configures it) at a fixed rate, delivered to a real broker, with the producer on the
// calling thread (KafkaSink) or on its own thread (ThreadedKafkaSink). Prints, per record, the CPU of the
// calling thread (the gateway's event loop) and of the whole process, for each mode, alternated, in one run.
// Usage: node tools/scripts/build.mjs && node tools/bench/log-path-bench.mjs [--kafka host:port]
//        [--rate 20000] [--seconds 5] [--rounds 2] [--modes main,thread] [--batch 10000] [--linger 100]
//        [--body-bytes N (request and response bodies of ~N bytes instead of the echo cells' 77; ~6000 is MNIST's)]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLK_TCK, gatewaySpoolOptions, option, procStat, root, startBenchBroker } from './bench-kit.mjs';

const require = createRequire(import.meta.url);
const rate = Number(option('rate', '20000'));
const seconds = Number(option('seconds', '5'));
const rounds = Number(option('rounds', '2'));
const modes = option('modes', 'main,thread').split(',');
const batchRecords = Number(option('batch', '10000'));
const lingerMs = Number(option('linger', '100'));
const sinks = require(join(root, 'dist/libs/inference-log/sinks/src'));
const { Kafka, logLevel } = require('kafkajs');

let brokers = option('kafka', '');
let stopBroker;
if (!brokers) {
  const broker = startBenchBroker();
  stopBroker = broker.stop;
  brokers = broker.brokers;
}

/** The broker's JVM (every java process running kafka.Kafka here: the bench's own, or the one at --kafka). */
const brokerTicks = () => {
  let pids = [];
  try {
    pids = execFileSync('pgrep', ['-f', 'kafka.Kafka']).toString().trim().split('\n').filter(Boolean);
  } catch {
    /* none */
  }
  return pids.reduce((sum, pid) => sum + procStat(pid).cpuTicks, 0);
};
const mainTicks = () => procStat('self', process.pid).cpuTicks;
const processTicks = () => procStat().cpuTicks;

// The echo cells' record: a 77-byte TF Serving body answered unchanged (or, with --body-bytes, one of about
// that size: large records make LOG_BATCH_BYTES, not LOG_BATCH_SIZE, what cuts the batches).
const bodyBytes = Number(option('body-bytes', '0'));
const body = Buffer.from(
  bodyBytes > 0
    ? `{"signature_name":"serving_default","instances":[[${Array.from({ length: Math.ceil(bodyBytes / 6) }, (_, i) => (i % 97) / 100 + 0.01).join(',')}]]}`
    : '{"signature_name":"serving_default","instances":[[1.0,2.0,3.0,4.0,5.0,6.0,7.0]]}',
);
async function run(mode, round) {
  const topic = `log-path-bench-${mode}-${round}-${Date.now()}`;
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const options = { brokers: brokers.split(',') };
  const sink = mode === 'thread' ? new sinks.ThreadedKafkaSink(options) : new sinks.KafkaSink(options);
  const directory = mkdtempSync(join(tmpdir(), 'log-path-bench-'));
  // As apps/api's log-sink.factory configures it, with the environment's defaults.
  const pipeline = await sinks.SpooledLogPipeline.open(
    sink,
    gatewaySpoolOptions(directory, { deliveryLingerMs: lingerMs, batchRecords, batchBytes: 1024 * 1024 }),
    {},
    { log: () => undefined, warn: (m) => console.error(m) },
  );
  const destination = { servingId: 1, servingName: 'bench', topic };
  const enqueue = (n) =>
    pipeline.enqueue({
      destination,
      record: {
        modelId: 1,
        modelName: 'bench',
        modelVersion: 1,
        requestTimestamp: Date.now(),
        responseHttpCode: 200,
        inferenceRequest: body,
        inferenceResponse: body,
      },
    }) || n;
  // Warm up (connect, JIT), then measure `seconds` at `rate` in 1 ms ticks.
  for (let i = 0; i < 2000; i++) enqueue(i);
  await pipeline.drained();
  const main0 = mainTicks();
  const proc0 = processTicks();
  const broker0 = brokerTicks();
  const started = Date.now();
  let sent = 0;
  await new Promise((done) => {
    const timer = setInterval(() => {
      const due = Math.min(rate * seconds, Math.floor(((Date.now() - started) * rate) / 1000));
      while (sent < due) enqueue(sent++);
      if (sent >= rate * seconds) {
        clearInterval(timer);
        done();
      }
    }, 1);
  });
  await pipeline.drained();
  const elapsed = (Date.now() - started) / 1000;
  const main = mainTicks() - main0;
  const proc = processTicks() - proc0;
  const broker = brokerTicks() - broker0;
  const stats = pipeline.snapshot();
  await pipeline.close();
  rmSync(directory, { recursive: true, force: true });
  const us = (t) => ((t * 1e6) / CLK_TCK / sent).toFixed(2);
  return {
    mode: `${mode}, batch ${batchRecords}, linger ${lingerMs} ms`,
    round,
    records: sent,
    seconds: elapsed.toFixed(1),
    mainUs: us(main),
    processUs: us(proc),
    brokerUs: us(broker),
    dropped: stats.dropped,
  };
}

const results = [];
try {
  for (let round = 1; round <= rounds; round++)
    for (const mode of modes) results.push(await run(mode, round));
} finally {
  stopBroker?.();
}
console.log(
  `\nlog path at ${rate} records/s for ${seconds} s, ${body.length}-byte bodies (spool + Kafka, acks=all), CPU µs per record:`,
);
console.log(
  '| producer | round | records | s | calling thread µs/record | process µs/record | broker µs/record | dropped |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results)
  console.log(
    `| ${r.mode} | ${r.round} | ${r.records} | ${r.seconds} | ${r.mainUs} | ${r.processUs} | ${r.brokerUs} | ${r.dropped} |`,
  );
