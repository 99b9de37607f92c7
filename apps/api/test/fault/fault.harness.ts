import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { Kafka, logLevel } from 'kafkajs';
import { Agent, request } from 'undici';
import { decodeInferenceLog, type InferenceLogRecord } from '@infergate/inference-log-schema';
import { scanSegment } from '@infergate/inference-log-sinks';
import { freePort } from '@infergate/testing';

const run = promisify(execFile);
export const ROOT = resolve(__dirname, '../../../..');
export const ADMIN_PASSWORD = 'fault-admin-password-1';

/**
 * A broker of its own for the fault tests (they stop and restart it), on other ports and another state
 * dir than the shared one on 9092 that the other test files use in parallel.
 */
export class DedicatedBroker {
  private constructor(
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    readonly stateDir: string,
  ) {}

  static async create(): Promise<DedicatedBroker> {
    const port = await freePort();
    let controller = await freePort();
    while (controller === port) controller = await freePort();
    const stateDir = mkdtempSync(join(ROOT, 'tmp', 'fault-kafka-'));
    return new DedicatedBroker(
      port,
      {
        ...process.env,
        KAFKA_PORT: String(port),
        KAFKA_CONTROLLER_PORT: String(controller),
        KAFKA_STATE_DIR: stateDir,
      },
      stateDir,
    );
  }

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  async kafkaSh(command: 'start' | 'resume' | 'stop'): Promise<number> {
    const started = Date.now();
    await run('bash', [join(ROOT, 'tools/kafka/kafka.sh'), command], { env: this.env, timeout: 120_000 });
    return Date.now() - started;
  }

  kafka(): Kafka {
    return new Kafka({ clientId: 'fault-tests', brokers: [this.brokers], logLevel: logLevel.NOTHING });
  }

  /**
   * Every record of a topic from the beginning, until `done` holds (then `settleMs` more, so that late
   * duplicates or extra records show up too) or the timeout.
   */
  async readTopic(
    topic: string,
    done: (records: InferenceLogRecord[]) => boolean,
    timeoutMs: number,
    settleMs = 2000,
  ) {
    const consumer = this.kafka().consumer({ groupId: `fault-reader-${Date.now()}-${Math.random()}` });
    const records: InferenceLogRecord[] = [];
    let settling = false;
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolveRead) => {
        const timer = setTimeout(resolveRead, timeoutMs);
        void consumer.run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) records.push(decodeInferenceLog(m.value!));
            if (!settling && done(records)) {
              settling = true;
              clearTimeout(timer);
              setTimeout(resolveRead, settleMs);
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    return records;
  }
}

/** Builds the apps once into tmp/ so the gateway runs as a real child process (SIGKILL-able). */
export async function buildGateway(): Promise<{ main: string; out: string }> {
  const out = join(ROOT, 'tmp', `fault-build-${process.pid}-${Date.now()}`);
  await run('node', [join(ROOT, 'tools/scripts/build.mjs'), '--out', out], { cwd: ROOT });
  return { main: join(out, 'apps/api/src/main.js'), out };
}

export class GatewayProcess {
  private output = '';
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly dataDir: string,
  ) {}

  static async start(
    main: string,
    dataDir: string,
    env: Record<string, string>,
    port?: number,
  ): Promise<GatewayProcess> {
    const listen = port ?? (await freePort());
    const child = spawn(process.execPath, [main], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'],
        PORT: String(listen),
        DATA_DIR: dataDir,
        ADMIN_PASSWORD,
        MODEL_REPOSITORY: join(ROOT, 'models'),
        LOG_LEVEL: 'log',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const gateway = new GatewayProcess(child, listen, dataDir);
    const onData = (chunk: Buffer) => {
      gateway.output += chunk.toString();
      if (gateway.output.length > 200_000) gateway.output = gateway.output.slice(-100_000);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    await new Promise<void>((resolveStart, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${gateway.output}`)), 60_000);
      const check = () => {
        if (gateway.output.includes('listening on')) {
          clearTimeout(timer);
          child.stdout!.off('data', check);
          resolveStart();
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`gateway exited with ${code}:\n${gateway.output}`));
      });
    });
    child.removeAllListeners('exit');
    return gateway;
  }

  get log(): string {
    return this.output;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The demo serving's topic, from the first-start log line. */
  topic(): string {
    const match = /serving mnist \(id \d+, topic (mnist-inf\d{4})\)/.exec(this.output);
    if (!match) throw new Error(`no topic in the gateway log:\n${this.output}`);
    return match[1]!;
  }

  async login(): Promise<string> {
    const res = await request(`${this.url}/hopsworks-api/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `email=admin%40example.com&password=${ADMIN_PASSWORD}`,
    });
    await res.body.dump();
    if (res.statusCode !== 200) throw new Error(`login: ${res.statusCode}`);
    return res.headers['authorization'] as string;
  }

  /** A Prometheus sample's value summed over the series whose labels include `labels`. */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const res = await request(`${this.url}/metrics`);
    const text = await res.body.text();
    let sum = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
      if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
        sum += Number(line.split(' ').at(-1));
    }
    return sum;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return new Promise((resolveExit) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolveExit();
      this.child.once('exit', () => resolveExit());
      this.child.kill(signal);
    });
  }
}

/** Body of request `id`: the seed's MNIST image with the id as its first pixel (a unique marker). */
const pixels = Array.from({ length: 783 }, (_, i) => (((i * 7919 + 104729) % 256) / 255).toFixed(4)).join(
  ', ',
);
export function markedBody(id: number): string {
  return `{"signature_name": "predict_images", "instances": [[0.${String(id).padStart(8, '0')}, ${pixels}]]}`;
}

export function markerOf(record: InferenceLogRecord): number {
  const match = /\[\[0\.(\d{8}),/.exec(record.inferenceRequest);
  return match ? Number(match[1]) : -1;
}

export interface LoadResult {
  readonly sent: number;
  readonly ok: number;
  readonly failed: number;
  readonly failures: string[];
  readonly okIds: number[];
  readonly seconds: number;
  readonly rate: number;
}

/**
 * Open-loop load: `rate` requests/s (in ticks of 10 ms) until `seconds` passed or `stop()` is called;
 * ids from `firstId`. A request that fails (non-200 or a network error) is counted and kept for the report.
 */
export function runLoad(
  gateway: GatewayProcess,
  token: string,
  options: { rate: number; seconds: number; firstId: number; maxInFlight?: number },
): { done: Promise<LoadResult>; stop: () => void } {
  const agent = new Agent({ connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });
  const url = `${gateway.url}/hopsworks-api/api/project/1/inference/models/mnist:predict`;
  const okIds: number[] = [];
  const failures: string[] = [];
  let sent = 0;
  let inFlight = 0;
  let stopped = false;
  const started = Date.now();
  const maxInFlight = options.maxInFlight ?? 1024;
  const done = new Promise<LoadResult>((resolveLoad) => {
    const finish = async () => {
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
      const seconds = (Date.now() - started) / 1000;
      await agent.close();
      resolveLoad({
        sent,
        ok: okIds.length,
        failed: failures.length,
        failures: failures.slice(0, 10),
        okIds,
        seconds,
        rate: sent / seconds,
      });
    };
    const tick = () => {
      const elapsed = (Date.now() - started) / 1000;
      if (stopped || elapsed >= options.seconds) return void finish();
      const due = Math.floor(elapsed * options.rate) + 1;
      while (sent < due && inFlight < maxInFlight) {
        const id = options.firstId + sent++;
        inFlight++;
        request(url, {
          method: 'POST',
          dispatcher: agent,
          headers: { authorization: token, 'content-type': 'application/json' },
          body: markedBody(id),
        })
          .then(async (res) => {
            await res.body.dump();
            if (res.statusCode === 200) okIds.push(id);
            else failures.push(`${id}: HTTP ${res.statusCode}`);
          })
          .catch((error: unknown) => failures.push(`${id}: ${String(error)}`))
          .finally(() => inFlight--);
      }
      setTimeout(tick, 10);
    };
    tick();
  });
  return {
    done,
    stop: () => {
      stopped = true;
    },
  };
}

/** Markers of every record in a gateway's spool directory (what it had accepted to disk). */
export function spooledMarkers(dataDir: string): number[] {
  const root = join(dataDir, 'inference-log-spool');
  const out: number[] = [];
  if (!existsSync(root)) return out;
  for (const serving of readdirSync(root)) {
    const dir = join(root, serving);
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.seg'))
      .sort()) {
      for (const r of scanSegment(readFileSync(join(dir, file))).records)
        out.push(markerOf(decodeInferenceLog(r.value)));
    }
  }
  return out;
}

export function countIds(records: InferenceLogRecord[]): { unique: Set<number>; duplicates: number } {
  const unique = new Set<number>();
  let duplicates = 0;
  for (const r of records) {
    const id = markerOf(r);
    if (unique.has(id)) duplicates++;
    else unique.add(id);
  }
  return { unique, duplicates };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A cheap TF-Serving-compatible backend (fixed 10-score answer): the embedded MNIST model tops out near
 * 390 req/s on 2 cores next to the broker and the load generator, and these tests measure the log
 * path, not the model.
 */
export async function startStubBackend(): Promise<{ url: string; stop: () => Promise<void> }> {
  const answer = JSON.stringify({ predictions: [[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]] });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answer);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Points the demo `mnist` serving at a TF Serving endpoint (the gateway reads servings per request). */
export function pointMnistAt(dataDir: string, url: string): void {
  const db = new BetterSqlite3(join(dataDir, 'gateway.db'));
  try {
    db.prepare(
      `update servings set backend_kind = 'TENSORFLOW_SERVING', backend_endpoints = ? where name = 'mnist'`,
    ).run(JSON.stringify([url]));
  } finally {
    db.close();
  }
}
