#!/usr/bin/env node
// Benchmarks the embedded model server on the committed MNIST model, using the BUILT dist:
//   1. ONNX Runtime's own time per call (direct session.run, batch 1 and 32);
//   2. the standalone server's requests/s and p50/p99 latency at c=1 and c=16, with ORT on the main
//      thread (--inference-thread=main), in its worker thread (--inference-thread=worker) and placed
//      automatically (auto, the default: MNIST moves from the worker to the main thread after its first
//      runs) with and without the native JSON addon (--native-json), next to a bare node:http server
//      reading the same body (tools/bench/http-floor.mjs: Node's HTTP stack alone);
//   3. the server's CPU time per request beyond ORT's own run (from /proc/<pid>/stat).
// Load: wrk -t1 when installed (a C load generator takes less of the 2 shared cores), else autocannon.
// Usage: node tools/scripts/build.mjs && node tools/bench/model-server-bench.mjs [--duration 5] [--dist dist]
//        [--model-repository models] [--intra-op-threads 1] [--c 1,16] [--load wrk|autocannon] [--rounds 3]
// Each cell is measured --rounds times, the servers taking turns, and the round with the least CPU per
// request is reported: on this shared machine other tenants inflate single runs by up to a third.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { CLK_TCK, option, procStat, root } from './bench-kit.mjs';
import { runWrk } from './wrk.mjs';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');
const autocannon = require('autocannon');

const duration = Number(option('duration', '5'));
const dist = path.resolve(root, option('dist', 'dist'));
const repository = path.resolve(root, option('model-repository', 'models'));
const threads = Number(option('intra-op-threads', '1'));
const levels = option('c', '1,16').split(',').map(Number);
const rounds = Math.max(1, Number(option('rounds', '3')));
const hasWrk = spawnSync('sh', ['-c', 'command -v wrk']).status === 0;
const loadTool = option('load', hasWrk ? 'wrk' : 'autocannon');
const main = path.join(dist, 'apps/model-server/src/main.js');
const servers = []; // started server processes, stopped on every exit path
const modelFile = path.join(repository, 'mnist/1/model.onnx');
if (!existsSync(main)) fail(`${main} not found: run \`node tools/scripts/build.mjs\` first`);
if (!existsSync(modelFile)) fail(`${modelFile} not found`);

const config = JSON.parse(readFileSync(path.join(repository, 'mnist/config.json'), 'utf8'));
const signature = config.signatures.predict_images;
const inputName = signature.inputs.images;
const outputName = signature.outputs.scores;
const pixels = Array.from({ length: 784 }, (_, i) => Math.round((((i * 7919) % 255) / 255) * 1e4) / 1e4);
const body = JSON.stringify({ signature_name: 'predict_images', instances: [pixels] });

// 1. ORT alone, same session settings as the server.
async function ortPerCall(batch, iterations) {
  const session = await ort.InferenceSession.create(modelFile, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const data = new Float32Array(batch * 784);
  for (let b = 0; b < batch; b++) data.set(pixels, b * 784);
  const feeds = { [inputName]: new ort.Tensor('float32', data, [batch, 784]) };
  for (let i = 0; i < 200; i++) await session.run(feeds, [outputName]);
  // Best of three rounds: the first is often inflated by JIT and GC work that is not ORT's.
  let best = { wallUs: Infinity, cpuUs: Infinity };
  for (let round = 0; round < 3; round++) {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await session.run(feeds, [outputName]);
    const wallUs = Number(process.hrtime.bigint() - t0) / 1e3 / iterations;
    const cpu = process.cpuUsage(cpu0);
    const cpuUs = (cpu.user + cpu.system) / iterations;
    if (cpuUs < best.cpuUs) best = { wallUs, cpuUs };
  }
  await session.release();
  return best;
}

function procCpuSeconds(pid) {
  return procStat(pid).cpuTicks / CLK_TCK;
}

function startServer(mode) {
  const args =
    mode === 'floor' || mode === 'floor-json'
      ? [
          path.join(root, 'tools/bench/http-floor.mjs'),
          '0',
          ...(mode === 'floor-json' ? ['--json-parse'] : []),
        ]
      : [
          main,
          '--rest-port=0',
          `--model-repository=${repository}`,
          `--intra-op-threads=${threads}`,
          `--inference-thread=${mode === 'auto-js' ? 'auto' : mode}`,
          `--native-json=${mode === 'auto-js' ? 'off' : 'on'}`,
          '--poll-interval-ms=0',
        ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /Exporting HTTP\/REST API at:[\d.]+:(\d+)/.exec(out);
      if (m) resolve({ child, url: `http://127.0.0.1:${m[1]}`, output: () => out });
    });
    child.once('exit', (code) =>
      reject(new Error(`model server exited (${code}) before listening:\n${out}`)),
    );
  });
}

const work = mkdtempSync(path.join(os.tmpdir(), 'model-server-bench-'));
const bodyFile = path.join(work, 'body.json');
writeFileSync(bodyFile, body);

/** One load level: { requests, rps, p50, p99 (ms), errors }. */
async function load(url, connections, seconds) {
  if (loadTool === 'wrk') {
    let r;
    try {
      r = runWrk(`${url}/v1/models/mnist:predict`, bodyFile, {}, connections, seconds);
    } catch (error) {
      fail(error.message);
    }
    return {
      requests: r.requests,
      rps: r.requests / (r.duration_us / 1e6),
      p50: r.p50 / 1000,
      p99: r.p99 / 1000,
      errors: r.errors,
    };
  }
  const r = await cannon(url, connections, seconds);
  return {
    requests: r.requests.total,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.non2xx + r.errors,
  };
}

function cannon(url, connections, seconds) {
  return autocannon({
    url: `${url}/v1/models/mnist:predict`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration: seconds,
  });
}

function fail(message) {
  console.error(`model-server-bench: ${message}`);
  for (const server of servers) server.child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
}

/**
 * The auto server measures MNIST's runs in the worker and moves it to the main thread after 32 of them:
 * send a few hundred sequential requests and wait for the move, so the measured levels see the steady state.
 */
async function settleInline(server) {
  for (let i = 0; i < 300; i++) {
    const res = await fetch(`${server.url}/v1/models/mnist:predict`, { method: 'POST', body });
    if (res.status !== 200) fail(`auto warm-up: answer ${res.status}`);
    await res.arrayBuffer();
    if (server.output().includes('computing on the main thread')) return;
  }
  fail(`auto: mnist did not move to the main thread after 300 requests:\n${server.output()}`);
}

async function level(server, connections) {
  const cpu0 = procCpuSeconds(server.child.pid);
  const result = await load(server.url, connections, duration);
  const cpuS = procCpuSeconds(server.child.pid) - cpu0;
  if (result.errors) fail(`${server.mode} c=${connections}: ${result.errors} errors or non-2xx answers`);
  return { mode: server.mode, connections, ...result, cpuPerReq: (cpuS * 1e6) / result.requests };
}

const ort1 = await ortPerCall(1, 3000);
const ort32 = await ortPerCall(32, 500);

// All four servers run side by side (idle ones cost nothing) and are measured in turn per level, so the
// comparison with the floor is made under the same machine load.
const rows = [];
try {
  for (const mode of ['main', 'worker', 'auto', 'auto-js', 'floor', 'floor-json'])
    servers.push({ mode, ...(await startServer(mode)) });
  for (const server of servers) {
    if (!server.mode.startsWith('floor')) {
      const check = await fetch(`${server.url}/v1/models/mnist:predict`, { method: 'POST', body });
      const scores = (await check.json()).predictions?.[0];
      if (check.status !== 200 || scores?.length !== 10)
        fail(`unexpected answer ${check.status}: ${JSON.stringify(scores)}`);
    }
    if (server.mode.startsWith('auto')) await settleInline(server);
    await load(server.url, 4, 1); // warm-up (JIT, ORT arenas)
  }
  const measured = [];
  for (let round = 0; round < rounds; round++)
    for (const connections of levels)
      for (const server of servers) measured.push(await level(server, connections));
  for (const connections of levels)
    for (const server of servers) {
      const cell = measured.filter((r) => r.mode === server.mode && r.connections === connections);
      rows.push(cell.reduce((best, r) => (r.cpuPerReq < best.cpuPerReq ? r : best)));
    }
} finally {
  for (const server of servers) server.child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}

const f = (n, d = 1) => n.toFixed(d);
console.log(
  `model-server bench: mnist predict_images (1 instance), intra-op threads ${threads}, ${duration}s per level, best of ${rounds} rounds, load ${loadTool}, node ${process.version}`,
);
console.log(`ORT session.run batch 1:  ${f(ort1.wallUs)} µs wall, ${f(ort1.cpuUs)} µs CPU per call`);
console.log(
  `ORT session.run batch 32: ${f(ort32.wallUs)} µs wall, ${f(ort32.cpuUs)} µs CPU per call (${f(ort32.wallUs / 32)} µs wall per row)`,
);
for (const r of rows) {
  const labels = {
    main: 'server, ORT on main thread',
    worker: 'server, ORT on worker thread',
    auto: 'server, ORT auto placement',
    'auto-js': 'same, --native-json=off',
    floor: 'bare node:http (floor)',
    'floor-json': 'node:http + JSON.parse',
  };
  const label = labels[r.mode];
  const beyond = r.mode.startsWith('floor') ? '' : `  beyond ORT ${f(r.cpuPerReq - ort1.cpuUs)} µs/req`;
  console.log(
    `${label.padEnd(30)} c=${String(r.connections).padEnd(2)} ${f(r.rps, 0).padStart(6)} req/s  p50 ${f(r.p50, 2)} ms  p99 ${f(r.p99, 2)} ms  CPU ${f(r.cpuPerReq)} µs/req${beyond}`,
  );
}
console.log(
  'CPU/req = server process utime+stime from /proc (all threads, 10 ms ticks) / requests; "beyond ORT" subtracts',
);
console.log(
  "ORT's batch-1 CPU per call (best of 3 rounds); the floor is a bare node:http server reading the same body and answering a",
);
console.log(
  'fixed one; "node:http + JSON.parse" also parses the body with V8\'s JSON.parse (no tensor, no ORT, no answer formatting).',
);
console.log(
  `Figures move with machine load (load average now ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores).`,
);
