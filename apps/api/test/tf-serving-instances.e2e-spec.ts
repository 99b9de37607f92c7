import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { freePort } from '@infergate/testing';
import { REPO_MODELS, seedRequestBody, startGateway, type Gateway } from './gateway.harness';

const ROOT = path.resolve(__dirname, '../../..');
const BASE = '/hopsworks-api/api';

/** A standalone model server on a fixed port, so it can be killed and restarted at the same address. */
class ModelServerProcess {
  private child: ChildProcess | undefined;
  constructor(
    private readonly buildDir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    let output = '';
    const child = spawn(
      process.execPath,
      [
        path.join(this.buildDir, 'apps/model-server/src/main.js'),
        `--rest-port=${this.port}`,
        `--model-repository=${REPO_MODELS}`,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!/Exporting HTTP\/REST API at/.test(output)) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`model server did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGKILL: no graceful drain, requests in flight on it are cut. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * One TENSORFLOW_SERVING serving over two real model-server processes (the repo's models/): the adapter
 * balances by least outstanding requests, health-checks each instance, drops a dead one and takes it
 * back when it answers again.
 */
describe('a TF Serving serving with two instances: kill one under load, restart it', () => {
  const buildDir = `tmp/instances-${process.pid}-${Date.now().toString(36)}`;
  let a: ModelServerProcess;
  let b: ModelServerProcess;
  let gateway: Gateway;
  let baseUrl: string;
  let token: string;
  let servingId: number;

  beforeAll(async () => {
    execFileSync(process.execPath, ['tools/scripts/build.mjs', '--out', buildDir], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    a = new ModelServerProcess(path.join(ROOT, buildDir), await freePort());
    b = new ModelServerProcess(path.join(ROOT, buildDir), await freePort());
    await Promise.all([a.start(), b.start()]);
    gateway = await startGateway();
    await gateway.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(gateway.app.getHttpServer().address() as AddressInfo).port}`;
    token = await gateway.login();
    const created = await gateway.http
      .put(`${BASE}/project/1/serving`)
      .set('authorization', token)
      .send({
        name: 'pair',
        modelName: 'mnist',
        modelVersion: 1,
        modelServer: 'TENSORFLOW_SERVING',
        endpoints: [a.url, b.url],
      });
    expect(created.status).toBe(201);
    servingId = created.body.id as number;
    expect(
      (
        await gateway.http
          .post(`${BASE}/project/1/serving/${servingId}?action=start`)
          .set('authorization', token)
      ).status,
    ).toBe(200);
  }, 90_000);
  afterAll(async () => {
    await gateway?.close();
    await a?.kill();
    await b?.kill();
    rmSync(path.join(ROOT, buildDir), { recursive: true, force: true });
  });

  const view = async () =>
    (await gateway.http.get(`${BASE}/project/1/serving/${servingId}`).set('authorization', token)).body as {
      status: string;
      availableInstances: number;
    };
  const waitFor = async (
    predicate: (v: { status: string; availableInstances: number }) => boolean,
    ms: number,
  ) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await view();
      if (predicate(v)) return v;
      if (Date.now() > deadline) throw new Error(`serving view stayed ${JSON.stringify(v)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const body = seedRequestBody(7);
  const predict = async (): Promise<number> => {
    try {
      const res = await fetch(`${baseUrl}${BASE}/project/1/inference/models/pair:predict`, {
        method: 'POST',
        headers: { authorization: token, 'content-type': 'application/json' },
        body,
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  };

  it('is Running with both instances available', async () => {
    expect(await view()).toMatchObject({ status: 'Running', availableInstances: 2 });
  });

  it('loses ≤ 0.1% of requests when an instance is SIGKILLed under load, none once it is marked down', async () => {
    const total = 4000;
    const concurrency = 4;
    const killAt = 1500;
    let next = 0;
    let done = 0;
    let markedDownAt = Infinity;
    const failures: { startedAt: number; status: number }[] = [];
    const killing = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (done < killAt) return;
        clearInterval(timer);
        void (async () => {
          await b.kill();
          await waitFor((v) => v.availableInstances === 1, 10_000);
          markedDownAt = Date.now();
          resolve();
        })();
      }, 5);
    });
    const worker = async () => {
      while (next < total) {
        next++;
        const startedAt = Date.now();
        const status = await predict();
        done++;
        if (status !== 200) failures.push({ startedAt, status });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await killing;
    process.stderr.write(
      `instances test: ${failures.length} of ${total} requests failed (${JSON.stringify(failures)})\n`,
    );
    expect(failures.length / total).toBeLessThanOrEqual(0.001);
    expect(failures.filter((f) => f.startedAt >= markedDownAt)).toEqual([]);
    expect(await view()).toMatchObject({ status: 'Running', availableInstances: 1 });
  }, 120_000);

  it('takes a restarted instance back (health check) and sends it traffic', async () => {
    await b.start();
    await waitFor((v) => v.availableInstances === 2, 20_000);
    // With the other instance gone, every answer must come from the restarted one.
    await a.kill();
    const statuses = await Promise.all(Array.from({ length: 50 }, () => predict()));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(await waitFor((v) => v.availableInstances === 1, 10_000)).toMatchObject({ status: 'Running' });
  }, 60_000);
});
