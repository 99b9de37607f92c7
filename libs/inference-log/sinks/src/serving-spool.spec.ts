import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { open } from 'node:fs/promises';
import { closeHandle, ServingSpool, writeAtEnd, type SpoolBatch } from './serving-spool';
import { encodeFrame, FRAME_HEADER_BYTES } from './spool-record';
import { valuesOf } from './value-run';

describe('ServingSpool cursor persistence', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'spool-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function spoolWithBatch(
    cursorIntervalMs: number,
  ): Promise<{ spool: ServingSpool; batch: SpoolBatch }> {
    const { spool } = await ServingSpool.open(dir, 7, 'mnist', {
      segmentBytes: 1 << 20,
      fsync: 'never',
      cursorIntervalMs,
    });
    for (let i = 0; i < 3; i++) spool.append(encodeFrame('topic-a', Date.now(), Buffer.from(`record ${i}`)));
    await spool.flush();
    const batch = await spool.read(100, 1 << 20);
    if (!batch || !('values' in batch)) throw new Error('expected a batch');
    return { spool, batch };
  }
  const cursorFile = () => join(dir, 'cursor.json');
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('rewrites cursor.json at most once per interval, and at once on close', async () => {
    const { spool, batch } = await spoolWithBatch(60_000);
    expect(batch.values.count).toBe(3);
    spool.settle(batch);
    await sleep(100);
    expect(existsSync(cursorFile())).toBe(false); // waiting for the interval

    await spool.close();
    expect(JSON.parse(readFileSync(cursorFile(), 'utf8'))).toEqual({ seq: batch.seq, offset: batch.end });
  });

  it('leaves no writer behind when the interval timer finds nothing new to write (close() would spin)', async () => {
    const { spool, batch } = await spoolWithBatch(0);
    spool.settle(batch);
    const internals = spool as unknown as { cursorWrite?: Promise<void>; writeCursor(): void };
    for (let i = 0; i < 200 && internals.cursorWrite; i++) await sleep(5);
    // What the interval timer does after a write in progress already took the change: nothing to write.
    internals.writeCursor();
    await sleep(10);
    expect(internals.cursorWrite).toBeUndefined();
    await spool.close();
    expect(JSON.parse(readFileSync(cursorFile(), 'utf8'))).toEqual({ seq: batch.seq, offset: batch.end });
  });

  it('writes after every acknowledgement with interval 0, and a reopened spool resumes after the cursor', async () => {
    const { spool, batch } = await spoolWithBatch(0);
    spool.settle(batch);
    for (let i = 0; i < 100 && !existsSync(cursorFile()); i++) await sleep(10);
    expect(JSON.parse(readFileSync(cursorFile(), 'utf8'))).toEqual({ seq: batch.seq, offset: batch.end });
    await spool.close();

    const reopened = await ServingSpool.open(dir, 7, 'mnist', { segmentBytes: 1 << 20, fsync: 'never' });
    expect(reopened.spool.depth).toBe(0);
    await reopened.spool.close();
  });
});

describe('ServingSpool batches', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'spool-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function batches(
    spool: ServingSpool,
    maxRecords: number,
    maxBytes: number,
  ): Promise<{ topic: string; values: string[]; acceptedAt: number[] }[]> {
    const out = [];
    for (;;) {
      const batch = await spool.read(maxRecords, maxBytes);
      if (batch === null) return out;
      if (!('values' in batch)) throw new Error('unexpected corruption');
      out.push({
        topic: batch.topic,
        values: valuesOf(batch.values).map((v) => v.toString()),
        acceptedAt: [...batch.acceptedAt],
      });
      spool.settle(batch);
    }
  }

  it('ends a batch where the topic changes (same length, other bytes), at maxRecords and at maxBytes', async () => {
    const { spool } = await ServingSpool.open(dir, 7, 'mnist', { segmentBytes: 1 << 20, fsync: 'never' });
    const topics = ['topic-a', 'topic-a', 'topic-b', 'topic-b', 'topic-b', 'topic-b', 'topic-bb', 'topic-a'];
    topics.forEach((topic, i) => spool.append(encodeFrame(topic, 1000 + i, Buffer.from(`value ${i}`))));
    await spool.flush();

    expect(await batches(spool, 3, 1 << 20)).toEqual([
      { topic: 'topic-a', values: ['value 0', 'value 1'], acceptedAt: [1000, 1001] },
      { topic: 'topic-b', values: ['value 2', 'value 3', 'value 4'], acceptedAt: [1002, 1003, 1004] },
      { topic: 'topic-b', values: ['value 5'], acceptedAt: [1005] },
      { topic: 'topic-bb', values: ['value 6'], acceptedAt: [1006] },
      { topic: 'topic-a', values: ['value 7'], acceptedAt: [1007] },
    ]);
    expect(spool.depth).toBe(0);

    // Frames of 'topic-c' with a 7-byte value are 8 + 3 + 7 + 8 + 7 = 33 bytes: 70 bytes take two.
    for (let i = 0; i < 5; i++) spool.append(encodeFrame('topic-c', 2000 + i, Buffer.from(`value ${i}`)));
    await spool.flush();
    expect((await batches(spool, 100, 70)).map((b) => b.values.length)).toEqual([2, 2, 1]);
    await spool.close();
  });
  it('gives each batch bounds and times of its own (read() reuses scratch arrays)', async () => {
    const { spool } = await ServingSpool.open(dir, 7, 'mnist', { segmentBytes: 1 << 24, fsync: 'never' });
    for (let i = 0; i < 6; i++) spool.append(encodeFrame('topic-a', 100 + i, Buffer.from(`v${i}`)));
    await spool.flush();
    const first = await spool.read(3, 1 << 20);
    const second = await spool.read(3, 1 << 20);
    if (!first || !second || !('values' in first) || !('values' in second)) throw new Error('no batches');
    expect(valuesOf(first.values).map(String)).toEqual(['v0', 'v1', 'v2']);
    expect(Array.from(first.acceptedAt)).toEqual([100, 101, 102]);
    expect(valuesOf(second.values).map(String)).toEqual(['v3', 'v4', 'v5']);
    expect(Array.from(second.acceptedAt)).toEqual([103, 104, 105]);
    spool.settle(first);
    spool.settle(second);
    expect(spool.depth).toBe(0);
    await spool.close();
  });

  it('keeps every frame intact when the write buffer grows and while a flush is being written', async () => {
    const { spool } = await ServingSpool.open(dir, 7, 'mnist', { segmentBytes: 1 << 24, fsync: 'never' });
    const value = (i: number) => Buffer.alloc(1000 + (i % 7), `record ${i} `);
    // 100 frames of ~1 kB: past the first 64 kB buffer, so it grows (by copying) while filling.
    for (let i = 0; i < 100; i++) spool.append(encodeFrame('topic-a', i, value(i)));
    const first = spool.flush();
    // Microtasks only: the flush has taken the buffer and waits for its file (I/O) to open.
    for (let i = 0; i < 3; i++) await Promise.resolve();
    // Appended while the first write is on its way: a new buffer, not the one being written.
    for (let i = 100; i < 150; i++)
      spool.appendFrame('topic-a', i, value(i).length, (v: Buffer, buf, at) => v.copy(buf, at), value(i));
    expect(spool.depth).toBe(150);
    await Promise.all([first, spool.flush()]);

    const read = await batches(spool, 1000, 1 << 24);
    expect(read.flatMap((b) => b.acceptedAt)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(read.flatMap((b) => b.values)).toEqual(Array.from({ length: 150 }, (_, i) => value(i).toString()));
    await spool.close();
  });

  it('alternates two write buffers under steady load, and lets the spare go after a second of nothing to write', async () => {
    const { spool } = await ServingSpool.open(dir, 7, 'mnist', { segmentBytes: 1 << 24, fsync: 'never' });
    const allocations = jest.spyOn(Buffer, 'allocUnsafeSlow');
    const value = (i: number) => Buffer.alloc(900 + (i % 11), `record ${i} `);
    const appendSome = (from: number) => {
      // ~93 kB a round: above the 64 kB minimum buffer, which is not kept.
      for (let i = from; i < from + 100; i++) spool.append(encodeFrame('topic-a', i, value(i)));
    };
    try {
      appendSome(0);
      let writing = spool.flush();
      let warm = 0;
      // Each round appends while the previous buffer is being written, as under load.
      for (let round = 1; round < 10; round++) {
        for (let i = 0; i < 3; i++) await Promise.resolve();
        appendSome(100 * round);
        await writing;
        writing = spool.flush();
        if (round === 2) warm = allocations.mock.calls.length;
      }
      await writing;
      // The first buffer (grown once) and the one filled while it was written; then those in turn.
      expect(warm).toBeGreaterThan(0);
      expect(warm).toBeLessThanOrEqual(3);
      expect(allocations).toHaveBeenCalledTimes(warm);

      const read = await batches(spool, 1000, 1 << 24);
      expect(read.flatMap((b) => b.acceptedAt)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      expect(read.flatMap((b) => b.values)).toEqual(
        Array.from({ length: 1000 }, (_, i) => value(i).toString()),
      );

      await spool.flush(); // nothing to write, but written a moment ago: the spare stays
      appendSome(1000);
      expect(allocations).toHaveBeenCalledTimes(warm);
      await spool.flush();
      const now = Date.now();
      jest.spyOn(Date, 'now').mockReturnValue(now + 1001);
      await spool.flush(); // nothing written for over a second: the spare goes
      appendSome(1100);
      expect(allocations).toHaveBeenCalledTimes(warm + 1);
      await spool.flush();
    } finally {
      jest.restoreAllMocks();
      await spool.close();
    }
  });

  it('reads the next batch into the buffer of the last acknowledged one, never into one in flight or put back', async () => {
    const { spool } = await ServingSpool.open(dir, 7, 'mnist', { segmentBytes: 1 << 24, fsync: 'never' });
    const value = (i: number) => Buffer.alloc(1000 + (i % 7), `record ${i} `);
    for (let i = 0; i < 1000; i++) spool.append(encodeFrame('topic-a', i, value(i)));
    await spool.flush();
    const maxBytes = 100_000; // ~98 records a batch, above the 64 kB minimum kept
    const next = async () => {
      const batch = await spool.read(10_000, maxBytes);
      if (batch === null || !('values' in batch)) throw new Error('expected a batch');
      return batch;
    };
    const memory = (batch: SpoolBatch) => batch.values.bytes.buffer;
    const firstIndex = (batch: SpoolBatch) => batch.acceptedAt[0]!;
    const intact = (batch: SpoolBatch) =>
      expect(valuesOf(batch.values).map((v) => v.toString())).toEqual(
        Array.from({ length: batch.values.count }, (_, k) => value(firstIndex(batch) + k).toString()),
      );
    try {
      const a = await next();
      intact(a);
      spool.settle(a);
      const b = await next();
      expect(memory(b)).toBe(memory(a)); // a's send settled: its buffer is b's
      intact(b);

      const c = await next(); // b is still in flight: c gets a buffer of its own
      expect(memory(c)).not.toBe(memory(b));
      intact(b);
      intact(c);
      spool.settle(b);
      spool.settle(c);

      const d = await next();
      expect(memory(d)).toBe(memory(c));
      spool.unread(d); // a failed produce gives nothing back: d is read again into a fresh buffer
      const again = await next();
      expect(firstIndex(again)).toBe(firstIndex(d));
      expect(memory(again)).not.toBe(memory(d));
      intact(again);
      spool.settle(again);

      // Read to the end: a read that finds nothing lets the spare go.
      const rest: SpoolBatch[] = [];
      for (let batch = await spool.read(10_000, maxBytes); batch !== null;) {
        if (!('values' in batch)) throw new Error('unexpected corruption');
        intact(batch);
        rest.push(batch);
        spool.settle(batch);
        batch = await spool.read(10_000, maxBytes);
      }
      expect(firstIndex(rest.at(-1)!) + rest.at(-1)!.values.count).toBe(1000);
      for (let i = 1000; i < 1100; i++) spool.append(encodeFrame('topic-a', i, value(i)));
      await spool.flush();
      const after = await next();
      expect(memory(after)).not.toBe(memory(rest.at(-1)!));
      intact(after);
    } finally {
      await spool.close();
    }
  });

  it('replays a segment whose frames mix the format written now with the older one (zlib CRC-32)', async () => {
    // Versions of the seventh to ninth sessions wrote format 2; a spool they left is read after an upgrade.
    const older = (i: number) => {
      const frame = encodeFrame('topic-a', 300 + i, Buffer.from(`v${i}`));
      frame[FRAME_HEADER_BYTES] = 2;
      frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 4);
      return frame;
    };
    const frames = Array.from({ length: 12 }, (_, i) =>
      i % 4 === 1 || i === 11 ? older(i) : encodeFrame('topic-a', 300 + i, Buffer.from(`v${i}`)),
    );
    writeFileSync(join(dir, '0000000000000001.seg'), Buffer.concat(frames));
    const { spool, corruption } = await ServingSpool.open(dir, 7, 'mnist', {
      segmentBytes: 1 << 20,
      fsync: 'never',
    });
    expect(corruption).toEqual({ regions: 0, bytes: 0 });
    expect(spool.depth).toBe(12);
    const read = await batches(spool, 5, 1 << 20);
    expect(read.flatMap((b) => b.values)).toEqual(Array.from({ length: 12 }, (_, i) => `v${i}`));
    expect(read.flatMap((b) => b.acceptedAt)).toEqual(Array.from({ length: 12 }, (_, i) => 300 + i));
    expect(read.map((b) => b.values.length)).toEqual([5, 5, 2]);
    await spool.close();
  });
});

describe('ServingSpool retries and the cap', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'spool-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function spoolOf(...segments: string[][]): Promise<ServingSpool> {
    const { spool } = await ServingSpool.open(dir, 3, 'mnist', { segmentBytes: 1 << 20, fsync: 'never' });
    for (const records of segments) {
      for (const r of records) spool.append(encodeFrame('topic-a', Date.now(), Buffer.from(r)));
      await spool.flush();
      await spool.seal();
    }
    return spool;
  }
  async function readBatch(spool: ServingSpool, maxRecords = 100): Promise<SpoolBatch> {
    const batch = await spool.read(maxRecords, 1 << 20);
    if (!batch || !('values' in batch)) throw new Error('expected a batch');
    return batch;
  }
  const texts = (batch: SpoolBatch) => valuesOf(batch.values).map(String);

  it('reads an unread batch again from its first record, then what was appended after it', async () => {
    const spool = await spoolOf(['a0', 'a1']);
    const first = await readBatch(spool);
    spool.append(encodeFrame('topic-a', Date.now(), Buffer.from('a2')));
    await spool.flush();
    expect(spool.unread(first)).toBe(true);
    expect(spool.depth).toBe(3);
    expect(texts(await readBatch(spool))).toEqual(['a0', 'a1']); // the first segment, sealed
    expect(texts(await readBatch(spool))).toEqual(['a2']);
    expect(await spool.read(100, 1 << 20)).toBeNull();
  });

  it('answers false for an unread batch whose segment the cap dropped while it was in flight', async () => {
    const spool = await spoolOf(['a0', 'a1'], ['b0']);
    const inFlight = await readBatch(spool);
    // Records in flight are left out of the count: delivered, or counted by whoever unreads them.
    expect(await spool.dropOldest()).toMatchObject({ records: 0 });
    expect(spool.unread(inFlight)).toBe(false);
    expect(texts(await readBatch(spool))).toEqual(['b0']);
  });

  it('reads on from the next segment when the cap drops the one being read, instead of its records', async () => {
    const spool = await spoolOf(['a0', 'a1'], ['b0', 'b1']);
    const reading = spool.read(100, 1 << 20);
    // drop-oldest runs while the read waits for the file.
    const dropped = await spool.dropOldest();
    expect(dropped).toMatchObject({ records: 2 });
    const batch = await reading;
    if (!batch || !('values' in batch)) throw new Error('expected a batch');
    expect(texts(batch)).toEqual(['b0', 'b1']);
    expect(batch.start).toBe(0);
    spool.settle(batch);
    expect(spool.depth).toBe(0);
  });
});

describe('ServingSpool bytes and the shared tally', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'spool-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** What `bytes` stands for, counted from the spool's state: the write buffer plus every segment held. */
  function recount(spool: ServingSpool): number {
    const internals = spool as unknown as { pendingBytes: number; segments: { bytes: number }[] };
    return internals.segments.reduce((n, s) => n + s.bytes, internals.pendingBytes);
  }
  const frame = (text: string) => encodeFrame('topic-a', Date.now(), Buffer.from(text));

  it('keeps bytes and a tally shared by two spools equal to what they hold, through every change', async () => {
    const tally = { bytes: 0 };
    const options = { segmentBytes: 64, fsync: 'never' as const };
    const a = (await ServingSpool.open(join(dir, '1'), 1, 'a', options, tally)).spool;
    const b = (await ServingSpool.open(join(dir, '2'), 2, 'b', options, tally)).spool;
    const check = () => {
      expect(a.bytes).toBe(recount(a));
      expect(b.bytes).toBe(recount(b));
      expect(tally.bytes).toBe(a.bytes + b.bytes);
    };

    // Buffered, then written: each flush of more than segmentBytes seals its segment.
    for (let i = 0; i < 3; i++) a.append(frame(`a${i} ${'x'.repeat(40)}`));
    b.appendFrame('topic-b', Date.now(), 3, (text: string, buf, at) => buf.write(text, at, 'latin1'), 'b-0');
    check();
    expect(tally.bytes).toBeGreaterThan(0);
    await a.flush();
    for (let i = 3; i < 6; i++) a.append(frame(`a${i} ${'x'.repeat(40)}`));
    await a.flush();
    await b.flush();
    check();
    const held = a.bytes;

    // Acknowledged: sealed segments the cursor passed are deleted.
    const batch = await a.read(3, 1 << 20);
    if (!batch || !('values' in batch)) throw new Error('expected a batch');
    a.settle(batch);
    check();
    expect(a.bytes).toBeLessThan(held);

    // The cap: the oldest sealed segment goes.
    await a.seal();
    expect(await a.dropOldest()).not.toBeNull();
    check();
    expect(a.bytes).toBe(0);
    await a.close();
    await b.close();

    // Reopened, a spool adds what it found on disk to a new tally.
    const again = { bytes: 0 };
    const reopened = (await ServingSpool.open(join(dir, '2'), 2, 'b', options, again)).spool;
    expect(again.bytes).toBe(b.bytes);
    expect(reopened.bytes).toBe(recount(reopened));
    await reopened.close();
  });
});

describe("the spool's descriptor-level writes", () => {
  it('keep their handle open until they finish: closing waits for the write in flight', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spool-fd-'));
    // A FIFO nobody reads yet: a write of more than its 64 kB buffer stays in flight until it is read.
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const handle = await open(fifo, 'r+');
    const reader = await open(fifo, 'r');
    const data = Buffer.alloc(1024 * 1024, 7);
    const written = writeAtEnd(handle, data, 0, data.length);
    let closed = false;
    const closing = closeHandle(handle).then(() => (closed = true));
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(closed).toBe(false);
    } finally {
      // Read it all, so the write ends whatever the assertion said (a write left blocked keeps Jest alive).
      const chunk = Buffer.alloc(64 * 1024);
      for (let got = 0; got < data.length;)
        got += (await reader.read(chunk, 0, chunk.length, null)).bytesRead;
      await reader.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await written).toBe(data.length);
    await closing;
    expect(closed).toBe(true);
  });
});
