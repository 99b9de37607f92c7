#!/usr/bin/env node
// The log spool's cost to the event loop at a steady rate, without a broker: --per-tick records (160:
// 16 000 records/s) enqueued every 10 ms into a SpooledLogPipeline as the gateway configures it (flush
// every 10 ms, delivery linger 100 ms), its transport acknowledging at once. Per round it prints the
// time inside enqueue() and the main thread's CPU per record (/proc: enqueue plus the flushes, read-backs
// and cursor writes the spool runs on the event loop). --root DIR measures another build (a worktree of an
// older commit with its own dist/); alternate runs of two builds for before/after figures on a noisy host.
// --body-bytes N logs bodies of N bytes instead of 74 (the echo cells send 77; 7300 is an MNIST request);
// each round also prints the process's minor page faults per record.
// Usage: node tools/scripts/build.mjs && node tools/bench/spool-tick-bench.mjs [--per-tick 160] [--rounds 6]
//        [--ticks 300] [--body-bytes N] [--root DIR]
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CLK_TCK, gatewaySpoolOptions, option, procStat, root as repoRoot } from './bench-kit.mjs';

const require = createRequire(import.meta.url);
const root = resolve(option('root', repoRoot));
const { SpooledLogPipeline } = require(join(root, 'dist/libs/inference-log/sinks/src/index.js'));
const perTick = Number(option('per-tick', '160'));
const rounds = Number(option('rounds', '6'));
const ticks = Number(option('ticks', '300'));
const quiet = { log() {}, warn() {}, error() {} };
const minorFaults = () => procStat().minorFaults;
const mainTicks = () => procStat('self', process.pid).cpuTicks;
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

const dir = mkdtempSync(join(tmpdir(), 'spool-tick-'));
const transport = { name: 'ack', send: async () => {}, isPermanent: () => false, close: async () => {} };
const pipeline = await SpooledLogPipeline.open(
  transport,
  gatewaySpoolOptions(dir, { fsync: 'never' }),
  {},
  quiet,
);
// A TF Serving body like the echo cells' (74 bytes; theirs is 77), answered unchanged; or --body-bytes of numbers.
const bodyBytes = Number(option('body-bytes', '0'));
const request = bodyBytes
  ? Buffer.from(`{"instances": [[${'0.5, '.repeat(Math.ceil(bodyBytes / 5))}`.slice(0, bodyBytes - 3) + ']]}')
  : Buffer.from('{"signature_name": "serving_default", "instances": [[1.0, 2.0, 3.0, 4.0]]}');
const response = Buffer.from(request);
const destination = { servingId: 7, servingName: 'echolog', topic: 'bench-echo' };
console.log(
  `spool at ${perTick * 100} records/s (${perTick} per 10 ms), bodies of ${request.length} bytes, ${root}:`,
);
for (let round = 1; round <= rounds; round++) {
  let inside = 0n;
  const before = mainTicks();
  const faultsBefore = minorFaults();
  for (let tick = 0; tick < ticks; tick++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perTick; i++) {
      pipeline.enqueue({
        destination,
        record: {
          modelId: 7,
          modelName: 'echolog',
          modelVersion: 1,
          requestTimestamp: Date.now(),
          responseHttpCode: 200,
          inferenceRequest: request,
          inferenceResponse: response,
        },
      });
    }
    inside += process.hrtime.bigint() - start;
    await sleep(10 - Number(process.hrtime.bigint() - start) / 1e6);
  }
  const n = ticks * perTick;
  const main = ((mainTicks() - before) * 1e6) / CLK_TCK / n;
  const faults = (minorFaults() - faultsBefore) / n;
  console.log(
    `round ${round}: enqueue ${(Number(inside) / 1000 / n).toFixed(2)} µs/record, main thread ${main.toFixed(2)} µs/record, ${faults.toFixed(3)} minor faults/record`,
  );
}
await pipeline.close();
rmSync(dir, { recursive: true, force: true });
