import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServingSpool, type SpoolBatch } from './serving-spool';
import { encodeFrame } from './spool-record';

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
    if (!batch || !('records' in batch)) throw new Error('expected a batch');
    return { spool, batch };
  }
  const cursorFile = () => join(dir, 'cursor.json');
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('rewrites cursor.json at most once per interval, and at once on close', async () => {
    const { spool, batch } = await spoolWithBatch(60_000);
    expect(batch.records).toHaveLength(3);
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
