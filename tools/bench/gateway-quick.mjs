#!/usr/bin/env node
// Quick figure for the gateway's cost: the same MNIST predict request straight to the standalone model
// server vs through the gateway (JWT auth, TF-Serving adapter to that same server, inference logging on),
// and through the gateway to its embedded in-process ONNX backend. All on 127.0.0.1, one run, autocannon.
// Usage: node tools/scripts/build.mjs && node tools/bench/gateway-quick.mjs [--seconds 5] [--kafka 127.0.0.1:9092]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const Database = require('better-sqlite3');
const root = resolve(fileURLToPath(import.meta.url), '../../..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const seconds = Number(arg('seconds', '5'));
const kafka = arg('kafka', process.env.KAFKA_BROKERS ?? '');
/** Writes a V8 CPU profile of the gateway to this directory (for `--cpu-prof` analysis). */
const cpuProfDir = arg('cpu-prof', '');
/** Only these path labels (comma-separated: direct,tf,embedded). */
const only = arg('only', 'direct,tf,embedded').split(',');

const freePort = () =>
  new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

async function waitFor(url, child) {
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${url}`);
}

function start(script, args, env, nodeFlags = []) {
  const child = spawn(process.execPath, [...nodeFlags, join(root, script), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

const pixels = Array.from({ length: 784 }, (_, i) => ((i * 37) % 255) / 255);
const body = JSON.stringify({ signature_name: 'predict_images', instances: [pixels] });

async function measure(label, url, headers, connections) {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    connections,
    duration: seconds,
  });
  const non2xx = result.non2xx + result.errors;
  return {
    label,
    connections,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: non2xx,
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'bench-gw-'));
const msPort = await freePort();
const gwPort = await freePort();
const modelServer = start(
  'dist/apps/model-server/src/main.js',
  [`--rest-port=${msPort}`, `--model-repository=${join(root, 'models')}`],
  {},
);
const gateway = start(
  'dist/apps/api/src/main.js',
  [],
  {
    PORT: String(gwPort),
    DATA_DIR: dataDir,
    ADMIN_PASSWORD: 'bench-password',
    LOG_LEVEL: 'warn',
    MODEL_REPOSITORY: join(root, 'models'),
    ...(kafka ? { KAFKA_BROKERS: kafka } : {}),
  },
  cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [],
);
try {
  await waitFor(`http://127.0.0.1:${msPort}/v1/models/mnist`, modelServer);
  await waitFor(`http://127.0.0.1:${gwPort}/health/live`, gateway);
  // A second serving in the demo project that reaches the standalone server through the TF-Serving adapter.
  const db = new Database(join(dataDir, 'gateway.db'));
  const seeded = db.prepare("select * from servings where name = 'mnist'").get();
  db.prepare(
    `insert into servings (project_id, name, description, model_name, model_version, model_path, backend_kind, backend_endpoints,
      request_timeout_ms, kafka_topic, inference_logging, status, creator_id, created_at)
     values (1, 'mnisttf', '', 'mnist', 1, null, 'TENSORFLOW_SERVING', ?, null, ?, 'ALL', 'Running', ?, ?)`,
  ).run(JSON.stringify([`http://127.0.0.1:${msPort}`]), seeded.kafka_topic, seeded.creator_id, Date.now());
  db.close();
  const login = await fetch(`http://127.0.0.1:${gwPort}/hopsworks-api/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'email=admin%40example.com&password=bench-password',
  });
  const auth = { authorization: login.headers.get('authorization') };
  const direct = `http://127.0.0.1:${msPort}/v1/models/mnist:predict`;
  const viaTf = `http://127.0.0.1:${gwPort}/hopsworks-api/api/project/1/inference/models/mnisttf:predict`;
  const embedded = `http://127.0.0.1:${gwPort}/hopsworks-api/api/project/1/inference/models/mnist:predict`;
  const rows = [];
  for (const c of [1, 16]) {
    if (only.includes('direct')) rows.push(await measure('direct: model server', direct, {}, c));
    if (only.includes('tf'))
      rows.push(await measure('gateway -> TF-Serving adapter -> model server', viaTf, auth, c));
    if (only.includes('embedded'))
      rows.push(await measure('gateway -> embedded ONNX (in-process)', embedded, auth, c));
  }
  console.log(
    `\ngateway quick benchmark: ${seconds}s per cell, logging to ${kafka ? `Kafka ${kafka}` : 'Avro files'}`,
  );
  console.log('| path | c | req/s | p50 ms | p99 ms | errors |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(`| ${r.label} | ${r.connections} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.errors} |`);
  for (const c of [1, 16]) {
    const d = rows.find((r) => r.connections === c && r.label.startsWith('direct'));
    const g = rows.find((r) => r.connections === c && r.label.includes('TF-Serving'));
    if (!d || !g) continue;
    console.log(
      `c=${c}: gateway/direct throughput ${(g.rps / d.rps).toFixed(2)}, added p50 ${(g.p50 - d.p50).toFixed(2)} ms`,
    );
  }
} finally {
  gateway.kill('SIGINT');
  modelServer.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  rmSync(dataDir, { recursive: true, force: true });
}
