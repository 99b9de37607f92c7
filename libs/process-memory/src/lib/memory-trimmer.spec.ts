import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MemoryTrimmer, loadMallocTrim, observeMajorGcs, type MallocTrim } from './memory-trimmer';

setFlagsFromString('--expose-gc');
const fullGc = runInNewContext('gc') as () => void;
const residentMb = (): number =>
  (Number(readFileSync('/proc/self/statm', 'utf8').split(' ')[1]) * 4096) / 2 ** 20;
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('malloc_trim addon', () => {
  it('is built and loads (the build compiles it with the system compiler)', () => {
    const { addon, reason } = loadMallocTrim();
    expect(reason).toBe('loaded');
    expect(typeof addon!.trim()).toBe('boolean');
  });

  /**
   * ~200 MB of 4 KB backing stores (malloc'd by Node), every 16th kept: freeing the rest leaves holes
   * that free() alone does not return, only the top of the heap. Returns the kept ones.
   */
  function fragmentHeap(): Buffer[] {
    let buffers: Buffer[] | undefined = Array.from({ length: 50_000 }, () =>
      Buffer.allocUnsafeSlow(4000).fill(1),
    );
    const kept = buffers.filter((_, i) => i % 16 === 0);
    buffers = undefined;
    fullGc();
    fullGc();
    return kept;
  }

  it('gives freed memory in the middle of the heap back to the system', () => {
    const { addon } = loadMallocTrim();
    const kept = fragmentHeap();
    const before = residentMb();
    addon!.trim();
    const after = residentMb();
    expect(kept).toHaveLength(3125);
    expect(before - after).toBeGreaterThan(100);
  });

  it('does the same on a threadpool thread with trimAsync, calling back on the event loop', async () => {
    const { addon } = loadMallocTrim();
    const kept = fragmentHeap();
    const before = residentMb();
    const released = await new Promise<boolean>((resolve) => addon!.trimAsync!(resolve));
    const after = residentMb();
    expect(kept).toHaveLength(3125);
    expect(released).toBe(true);
    expect(before - after).toBeGreaterThan(100);
    expect(() => (addon!.trimAsync as unknown as () => void)()).toThrow('a function is required');
  });
});

describe('MemoryTrimmer', () => {
  function fakeGcs() {
    let listener: (() => void) | undefined;
    return {
      source: (l: () => void) => {
        listener = l;
        return () => (listener = undefined);
      },
      fire: () => listener?.(),
      get observing() {
        return listener !== undefined;
      },
    };
  }

  it('trims after a full GC, at most once per interval', async () => {
    const trims: number[] = [];
    const addon: MallocTrim = { trim: () => trims.push(1) > 0 };
    const gcs = fakeGcs();
    let now = 10_000;
    const trimmer = MemoryTrimmer.start({ minIntervalMs: 1000, addon, majorGcs: gcs.source, now: () => now });
    if (!(trimmer instanceof MemoryTrimmer)) throw new Error(trimmer.off);
    gcs.fire();
    gcs.fire();
    expect(trims).toHaveLength(0); // not inside the GC callback
    await tick();
    expect(trims).toHaveLength(1);
    now += 999;
    gcs.fire();
    await tick();
    expect(trims).toHaveLength(1);
    now += 1;
    gcs.fire();
    await tick();
    expect(trims).toHaveLength(2);
    expect(trimmer.stats.trims).toBe(2);
    trimmer.stop();
    expect(gcs.observing).toBe(false);
  });

  it('trims off the event loop when the addon can, one trim at a time', async () => {
    const pending: ((released: boolean) => void)[] = [];
    const addon: MallocTrim = {
      trim: () => {
        throw new Error('the synchronous trim must not run');
      },
      trimAsync: (done) => pending.push(done),
    };
    const gcs = fakeGcs();
    let now = 10_000;
    const trimmer = MemoryTrimmer.start({ minIntervalMs: 1000, addon, majorGcs: gcs.source, now: () => now });
    if (!(trimmer instanceof MemoryTrimmer)) throw new Error(trimmer.off);
    gcs.fire();
    await tick();
    expect(pending).toHaveLength(1);
    now += 5000;
    gcs.fire(); // still running: no second trim
    await tick();
    expect(pending).toHaveLength(1);
    expect(trimmer.stats.trims).toBe(0);
    pending[0](true);
    expect(trimmer.stats.trims).toBe(1);
    now += 5000;
    gcs.fire();
    await tick();
    expect(pending).toHaveLength(2);
    trimmer.stop();
  });

  it('does not trim once stopped, even when a trim was already scheduled', async () => {
    const trims: number[] = [];
    const gcs = fakeGcs();
    const trimmer = MemoryTrimmer.start({
      minIntervalMs: 1,
      addon: { trim: () => trims.push(1) > 0 },
      majorGcs: gcs.source,
    }) as MemoryTrimmer;
    gcs.fire();
    trimmer.stop();
    await tick();
    expect(trims).toHaveLength(0);
  });

  it('also trims when the resident size grew 16 MB since the last trim, checked every interval', async () => {
    const MB = 2 ** 20;
    let resident = 100 * MB;
    const trims: number[] = [];
    const trimmer = MemoryTrimmer.start({
      minIntervalMs: 10,
      addon: { trim: () => trims.push(resident) > 0 },
      majorGcs: fakeGcs().source,
      residentBytes: () => resident,
    }) as MemoryTrimmer;
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    resident = 115 * MB;
    await wait(60);
    expect(trims).toEqual([]);
    resident = 116 * MB;
    await wait(60);
    expect(trims).toEqual([116 * MB]);
    // Measured again after the trim: the next one needs another 16 MB on top of that.
    resident = 130 * MB;
    await wait(60);
    expect(trims).toHaveLength(1);
    resident = 132 * MB;
    await wait(60);
    expect(trims).toEqual([116 * MB, 132 * MB]);
    trimmer.stop();
    resident = 500 * MB;
    await wait(60);
    expect(trims).toHaveLength(2);
  });

  it('says why it is off', () => {
    expect(MemoryTrimmer.start({ minIntervalMs: 0 })).toEqual({ off: 'off (interval 0)' });
    expect(MemoryTrimmer.start({ minIntervalMs: 1000, addon: null })).toEqual({
      off: 'not available: no addon',
    });
  });

  it('hears real full GCs through perf_hooks', async () => {
    let heard = 0;
    const stop = observeMajorGcs(() => heard++);
    fullGc();
    for (let i = 0; i < 20 && heard === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    stop();
    expect(heard).toBeGreaterThan(0);
  });
});
