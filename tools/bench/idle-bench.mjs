#!/usr/bin/env node
// An idle gateway's cost once its Kafka producer has sent something: starts a broker (unless --kafka) and
// the gateway on its embedded model server, sends 20 logged MNIST requests, waits 3 s, then reads the
// gateway's CPU and its main thread's wake-ups (voluntary context switches) over --seconds of idleness.
// --root DIR measures another build (a worktree of an older commit with its own dist/).
// Usage: node tools/scripts/build.mjs && node tools/bench/idle-bench.mjs [--kafka host:port] [--seconds 10]
//        [--runs 2] [--root DIR]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CLK_TCK, option, procStat, procStatus, root as repoRoot, startBenchBroker } from './bench-kit.mjs';

const require = createRequire(import.meta.url);
const root = resolve(option('root', repoRoot));
const seconds = Number(option('seconds', '10'));
const runs = Number(option('runs', '2'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const external = option('kafka', '');
const broker = external ? undefined : startBenchBroker();
const brokers = external || broker.brokers;

async function once() {
  const dataDir = mkdtempSync(join(tmpdir(), 'idle-bench-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const gateway = spawn(process.execPath, [join(root, 'dist/apps/api/src/main.js')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: 'idle-bench-password',
      LOG_LEVEL: 'warn',
      MODEL_REPOSITORY: join(repoRoot, 'models'),
      KAFKA_BROKERS: brokers,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (i === 300) throw new Error('gateway did not come up');
      if (
        await fetch(`${base}/health/live`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await sleep(100);
    }
    // The seeded serving's topic, created before it is logged to (as the bench does).
    const Database = require(join(repoRoot, 'node_modules/better-sqlite3'));
    const db = new Database(join(dataDir, 'gateway.db'), { readonly: true });
    const { kafka_topic: topic } = db.prepare("select kafka_topic from servings where name = 'mnist'").get();
    db.close();
    const { Kafka, logLevel } = require(join(repoRoot, 'node_modules/kafkajs'));
    const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    if (!(await admin.listTopics()).includes(topic))
      await admin.createTopics({
        topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
        waitForLeaders: true,
      });
    await admin.disconnect();
    const login = await fetch(`${base}/hopsworks-api/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=admin%40example.com&password=idle-bench-password',
    });
    const headers = { authorization: login.headers.get('authorization'), 'content-type': 'application/json' };
    const body = JSON.stringify({ signature_name: 'predict_images', instances: [Array(784).fill(0.5)] });
    let answered = 0;
    for (let i = 0; i < 20; i++) {
      const r = await fetch(`${base}/hopsworks-api/api/project/1/inference/models/mnist:predict`, {
        method: 'POST',
        headers,
        body,
      });
      await r.arrayBuffer();
      if (r.ok) answered++;
    }
    await sleep(3000);
    const cpu = () => procStat(gateway.pid).cpuTicks;
    const wakeups = () => procStatus(gateway.pid, gateway.pid).voluntarySwitches;
    const [cpu0, wake0] = [cpu(), wakeups()];
    await sleep(seconds * 1000);
    const [cpu1, wake1] = [cpu(), wakeups()];
    console.log(
      `${answered}/20 logged requests answered; idle ${seconds} s: CPU ${(((cpu1 - cpu0) / CLK_TCK / seconds) * 100).toFixed(2)}% of a core, main thread ${Math.round((wake1 - wake0) / seconds)} wake-ups/s`,
    );
  } finally {
    gateway.kill('SIGTERM');
    await new Promise((r) => gateway.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

try {
  console.log(`idle gateway (${root}), broker ${brokers}:`);
  for (let i = 0; i < runs; i++) await once();
} finally {
  broker?.stop();
}
