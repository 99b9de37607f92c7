import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeInferenceLog } from '@infergate/inference-log-schema';
import type { InferenceLogEntry } from './inference-log.sink';
import type { SpoolTransport } from './inference-log.writer';
import { valuesOf, type ValueRun } from './value-run';
import {
  SpooledLogPipeline,
  type SpooledLogPipelineOptions,
  type SpoolDropReason,
} from './spooled-log-pipeline';
import { scanSegment } from './spool-record';

const entry = (n: number, servingId = 1, topic = 't1'): InferenceLogEntry => ({
  destination: { servingId, servingName: `s${servingId}`, topic },
  record: {
    modelId: servingId,
    modelName: `s${servingId}`,
    modelVersion: 1,
    requestTimestamp: n,
    responseHttpCode: 200,
    inferenceRequest: `req${n}`.padEnd(200, '.'),
    inferenceResponse: `res${n}`,
  },
});

class FakeKafka implements SpoolTransport {
  readonly name = 'fake';
  readonly topics = new Map<string, number[]>();
  down = false;
  tooLarge = new Set<number>();
  async send(topic: string, run: ValueRun): Promise<void> {
    if (this.down) throw new Error('broker down');
    const ts = valuesOf(run).map((v) => decodeInferenceLog(v).requestTimestamp);
    if (ts.some((t) => this.tooLarge.has(t)))
      throw Object.assign(new Error('too large'), { type: 'MESSAGE_TOO_LARGE' });
    this.topics.set(topic, [...(this.topics.get(topic) ?? []), ...ts]);
  }
  isPermanent(error: unknown): boolean {
    return (error as { type?: string }).type === 'MESSAGE_TOO_LARGE';
  }
  async close(): Promise<void> {}
}

const quiet = { log: () => undefined, warn: () => undefined };

describe('SpooledLogPipeline', () => {
  let dir: string;
  let options: SpooledLogPipelineOptions;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'spool-'));
    options = {
      directory: dir,
      flushMs: 2,
      flushBytes: 64 * 1024,
      fsync: 'never',
      fsyncIntervalMs: 1000,
      maxBytes: 1024 * 1024,
      atCap: 'refuse-new',
      segmentBytes: 4096,
      batchRecords: 7,
      batchBytes: 64 * 1024,
      retryMinMs: 1,
      retryMaxMs: 5,
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('delivers every record in order per serving and deletes acknowledged segments', async () => {
    const kafka = new FakeKafka();
    const acked: number[] = [];
    const pipeline = await SpooledLogPipeline.open(
      kafka,
      options,
      { acknowledged: (_s, l) => acked.push(l.length) },
      quiet,
    );
    for (let i = 0; i < 100; i++) pipeline.enqueue(entry(i, 1 + (i % 2), `t${1 + (i % 2)}`));
    await pipeline.drained();
    expect(kafka.topics.get('t1')).toEqual([...Array(50).keys()].map((i) => i * 2));
    expect(kafka.topics.get('t2')).toEqual([...Array(50).keys()].map((i) => i * 2 + 1));
    expect(Math.max(...acked)).toBeLessThanOrEqual(7);
    expect(pipeline.snapshot()).toMatchObject({ queued: 100, sent: 100, dropped: 0, depth: 0 });
    await pipeline.close();
    // Only the last (unsealed at close) segment of each serving may remain.
    expect(readdirSync(join(dir, '1')).filter((f) => f.endsWith('.seg')).length).toBeLessThanOrEqual(1);
  });

  it('with a delivery linger, gathers records that trickle in into one produce request', async () => {
    const kafka = new FakeKafka();
    const sizes: number[] = [];
    const send = kafka.send.bind(kafka);
    kafka.send = async (topic, values) => {
      sizes.push(values.count);
      await send(topic, values);
    };
    const pipeline = await SpooledLogPipeline.open(kafka, { ...options, deliveryLingerMs: 300 }, {}, quiet);
    pipeline.enqueue(entry(0));
    for (let i = 0; i < 100 && sizes.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    // The first record went out alone at once; five more, 20 ms apart, wait out the linger together.
    for (let n = 1; n <= 5; n++) {
      pipeline.enqueue(entry(n));
      await new Promise((r) => setTimeout(r, 20));
    }
    await pipeline.drained();
    expect(sizes).toEqual([1, 5]);
    expect(kafka.topics.get('t1')).toEqual([0, 1, 2, 3, 4, 5]);
    await pipeline.close();
  });

  it('with a delivery linger, sends a backlog cut into batches by bytes or segments without waiting', async () => {
    const kafka = new FakeKafka();
    const sizes: number[] = [];
    const send = kafka.send.bind(kafka);
    kafka.send = async (topic, values) => {
      sizes.push(values.count);
      await send(topic, values);
    };
    // ~230-byte frames: 2 000 bytes hold 8 of them, far below batchRecords; a 10 s linger after each
    // of those batches would take minutes.
    const pipeline = await SpooledLogPipeline.open(
      kafka,
      { ...options, batchRecords: 10_000, batchBytes: 2000, deliveryLingerMs: 10_000 },
      {},
      quiet,
    );
    for (let i = 0; i < 60; i++) pipeline.enqueue(entry(i));
    // (drained() would wait out the linger after the last batch; the records' arrival is what counts.)
    const started = Date.now();
    while ((kafka.topics.get('t1')?.length ?? 0) < 60 && Date.now() - started < 3000)
      await new Promise((r) => setTimeout(r, 5));
    expect(kafka.topics.get('t1')).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(sizes.length).toBeGreaterThan(7);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(9);
    await pipeline.close(50);
  });

  it.each(['batch', 'interval', 'never'] as const)(
    'keeps records while the broker is down and replays them after a restart, in order (fsync %s)',
    async (fsync) => {
      const kafka = new FakeKafka();
      kafka.down = true;
      const first = await SpooledLogPipeline.open(
        kafka,
        { ...options, fsync, fsyncIntervalMs: 10 },
        {},
        quiet,
      );
      for (let i = 0; i < 60; i++) first.enqueue(entry(i));
      await first.close(50);
      expect(kafka.topics.size).toBe(0);

      kafka.down = false;
      const replayed: boolean[] = [];
      const second = await SpooledLogPipeline.open(
        kafka,
        options,
        { acknowledged: (_s, l, r) => replayed.push(...Array.from(l, () => r)) },
        quiet,
      );
      second.enqueue(entry(60));
      await second.drained();
      expect(kafka.topics.get('t1')).toEqual([...Array(61).keys()]);
      expect(replayed.filter(Boolean)).toHaveLength(60);
      await second.close();
    },
  );

  it('skips and counts a torn tail and a corrupt record instead of crashing or sending garbage', async () => {
    const kafka = new FakeKafka();
    kafka.down = true;
    const first = await SpooledLogPipeline.open(kafka, { ...options, segmentBytes: 1 << 20 }, {}, quiet);
    for (let i = 0; i < 10; i++) first.enqueue(entry(i));
    await first.close(20);
    const seg = join(
      dir,
      '1',
      readdirSync(join(dir, '1')).find((f) => f.endsWith('.seg'))!,
    );
    const offsets = scanSegment(readFileSync(seg)).offsets;
    const bytes = readFileSync(seg);
    bytes[offsets[3]! + 40] ^= 0xff; // flip a bit inside record 3
    writeFileSync(seg, bytes);
    appendFileSync(seg, bytes.subarray(offsets[5]!, offsets[5]! + 50)); // a torn tail

    kafka.down = false;
    const corrupt: number[] = [];
    const second = await SpooledLogPipeline.open(
      kafka,
      options,
      { corrupt: (_s, n) => corrupt.push(n) },
      quiet,
    );
    await second.drained();
    expect(kafka.topics.get('t1')).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
    expect(corrupt).toEqual([1, 1]);
    await second.close();
  });

  it('while Kafka is down, reads a failed batch again for each attempt instead of holding it, and delivers every record once, in order', async () => {
    const runs: ValueRun[] = [];
    const kafka = new (class extends FakeKafka {
      override async send(topic: string, run: ValueRun): Promise<void> {
        runs.push(run);
        return super.send(topic, run);
      }
    })();
    kafka.down = true;
    const pipeline = await SpooledLogPipeline.open(kafka, options, {}, quiet);
    for (let i = 0; i < 5; i++) pipeline.enqueue(entry(i));
    for (let t = 0; t < 2000 && runs.length < 4; t++) await new Promise((r) => setTimeout(r, 1));
    // Each attempt produced a batch read from the spool again, not the failed one kept in memory.
    expect(runs.length).toBeGreaterThanOrEqual(4);
    expect(new Set(runs).size).toBe(runs.length);
    for (const run of runs) {
      expect(valuesOf(run).map((v) => decodeInferenceLog(v).requestTimestamp)).toEqual([0, 1, 2, 3, 4]);
    }
    // Records that arrive during the outage join the batch read after it.
    for (let i = 5; i < 12; i++) pipeline.enqueue(entry(i));
    kafka.down = false;
    await pipeline.drained();
    expect(kafka.topics.get('t1')).toEqual([...Array(12).keys()]);
    expect(pipeline.snapshot()).toMatchObject({ queued: 12, sent: 12, dropped: 0, depth: 0 });
    expect(pipeline.snapshot().failedAttempts).toBeGreaterThanOrEqual(20);
    await pipeline.close();
  });

  it.each(['refuse-new', 'drop-oldest'] as const)(
    'at the cap (%s) drops and counts, and loses nothing else',
    async (atCap) => {
      const kafka = new FakeKafka();
      kafka.down = true;
      const dropped: [number, SpoolDropReason][] = [];
      const pipeline = await SpooledLogPipeline.open(
        kafka,
        { ...options, atCap, maxBytes: 16 * 1024, segmentBytes: 2048 },
        { dropped: (_s, n, reason) => dropped.push([n, reason]) },
        quiet,
      );
      // Bursts of 5 records (~1.3 kB, under one 2 kB segment of overshoot), each followed by the time the
      // policy needs to get back under the cap (drop-oldest deletes segments asynchronously).
      const underCap = async () => {
        for (let t = 0; t < 2000 && pipeline.bytes > 16 * 1024; t++)
          await new Promise((r) => setTimeout(r, 1));
      };
      for (let i = 0; i < 200; i++) {
        pipeline.enqueue(entry(i));
        if (i % 5 === 4) {
          await new Promise((r) => setTimeout(r, 2));
          await underCap();
        }
      }
      await new Promise((r) => setTimeout(r, 20));
      const lost = dropped.reduce((n, [c]) => n + c, 0);
      expect(lost).toBeGreaterThan(0);
      expect(dropped.every(([, reason]) => reason === 'cap')).toBe(true);
      expect(pipeline.bytes).toBeLessThanOrEqual(16 * 1024 + 4096);
      kafka.down = false;
      await pipeline.drained();
      const got = kafka.topics.get('t1')!;
      expect(got.length + lost).toBe(200);
      expect(got).toEqual([...got].sort((a, b) => a - b));
      if (atCap === 'refuse-new') expect(got).toEqual([...Array(got.length).keys()]);
      else expect(got.at(-1)).toBe(199);
      await pipeline.close();
    },
  );

  it('drops and counts a record Kafka refuses outright, delivering its neighbours', async () => {
    const kafka = new FakeKafka();
    kafka.tooLarge.add(3);
    const dropped: SpoolDropReason[] = [];
    const pipeline = await SpooledLogPipeline.open(
      kafka,
      options,
      { dropped: (_s, _n, r) => dropped.push(r) },
      quiet,
    );
    for (let i = 0; i < 10; i++) pipeline.enqueue(entry(i));
    await pipeline.drained();
    expect(kafka.topics.get('t1')).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
    expect(dropped).toEqual(['rejected']);
    await pipeline.close();
  });

  it('stays ready while Kafka is down, and reports not ready when refuse-new has filled the spool', async () => {
    const kafka = new FakeKafka();
    kafka.down = true;
    const pipeline = await SpooledLogPipeline.open(kafka, { ...options, maxBytes: 8192 }, {}, quiet);
    const brokerDown = async () => ({ state: 'down' as const, detail: 'connection refused' });
    pipeline.enqueue(entry(1));
    expect(await pipeline.health(brokerDown)).toEqual({
      state: 'up',
      detail: expect.stringMatching(/^kafka down \(connection refused\); spool 1 records/),
    });
    for (let i = 0; i < 100; i++) pipeline.enqueue(entry(i));
    expect((await pipeline.health(brokerDown)).state).toBe('down');
    await pipeline.close(10);
  });

  it('counts in spoolBytes what the spools hold on disk, across servings, before and after delivery', async () => {
    // The segment files under every serving's directory: what spoolBytes must add up to once flushed.
    const onDisk = () =>
      readdirSync(dir)
        .filter((name) => /^\d+$/.test(name))
        .flatMap((name) =>
          readdirSync(join(dir, name))
            .filter((file) => file.endsWith('.seg'))
            .map((file) => statSync(join(dir, name, file)).size),
        )
        .reduce((a, b) => a + b, 0);
    const settled = async (want: () => boolean) => {
      for (let i = 0; i < 200 && !want(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    const kafka = new FakeKafka();
    kafka.down = true;
    const pipeline = await SpooledLogPipeline.open(kafka, options, {}, quiet);
    try {
      // Three new servings: their first records wait in memory while each spool opens, and count meanwhile.
      for (let i = 0; i < 90; i++) pipeline.enqueue(entry(i, 1 + (i % 3), `t${1 + (i % 3)}`));
      const waiting = pipeline.snapshot().spoolBytes;
      expect(waiting).toBeGreaterThan(90 * 200);
      await settled(() => onDisk() === waiting);
      expect(onDisk()).toBe(waiting);
      expect(pipeline.snapshot().spoolBytes).toBe(waiting);

      kafka.down = false;
      await pipeline.drained();
      // Sealed segments are deleted once delivered; the active ones stay (what spoolBytes still counts).
      await settled(() => onDisk() === pipeline.snapshot().spoolBytes);
      expect(pipeline.snapshot().spoolBytes).toBe(onDisk());
      expect(pipeline.snapshot().spoolBytes).toBeLessThan(waiting);
    } finally {
      kafka.down = false;
      await pipeline.close(10);
    }
  });
});
