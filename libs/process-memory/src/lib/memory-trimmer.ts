import path from 'node:path';
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';

/** The native part (libs/process-memory/native/malloc_trim.c): glibc's malloc_trim(0). */
export interface MallocTrim {
  /** Returns whether any memory was given back. */
  trim(): boolean;
  /** The same on a threadpool thread; `done` runs on the event loop afterwards. */
  trimAsync?(done: (released: boolean) => void): void;
}

/** Where the build puts the addon, relative to this file in the sources and in dist/ alike. */
export const MALLOC_TRIM_FILE = path.join(__dirname, '../../native/build/malloc_trim.node');

/** Loads the addon; null with the reason when it is not built or the C library is not glibc. */
export function loadMallocTrim(file = MALLOC_TRIM_FILE): { addon: MallocTrim | null; reason: string } {
  try {
    const module = { exports: {} as Partial<MallocTrim> };
    process.dlopen(module, file);
    if (typeof module.exports.trim !== 'function') return { addon: null, reason: 'not glibc' };
    return { addon: module.exports as MallocTrim, reason: 'loaded' };
  } catch (error) {
    return { addon: null, reason: (error as Error).message.split('\n')[0] };
  }
}

/** Calls its listener after each of V8's full (mark-compact) collections; returns how to stop. */
export type MajorGcSource = (listener: () => void) => () => void;

export const observeMajorGcs: MajorGcSource = (listener) => {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } };
      if (detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        listener();
        return;
      }
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
};

export interface MemoryTrimmerOptions {
  /** At most one trim per this many milliseconds. */
  readonly minIntervalMs: number;
  /** For tests: the addon (default: loaded from MALLOC_TRIM_FILE) and the GC event source. */
  readonly addon?: MallocTrim | null;
  readonly majorGcs?: MajorGcSource;
  readonly now?: () => number;
  /** For tests: the resident size in bytes (default process.memoryUsage.rss). */
  readonly residentBytes?: () => number;
}

/** Growth of the resident size since the last trim that makes the periodic check trim again. */
const GROWTH_TRIGGER_BYTES = 16 * 2 ** 20;

export interface MemoryTrimStats {
  readonly trims: number;
}

/**
 * Gives memory back to the system after V8's full GCs. What a full GC frees off the V8 heap (the backing
 * stores of dead Buffers and typed arrays, which pile up between full GCs under load) goes back to glibc,
 * and glibc keeps it in its heaps: the gateway's resident size then stays at its high-water mark. A trim
 * (malloc_trim(0), 0.3–6 ms for the gateway's heaps here, on a threadpool thread when the addon offers
 * trimAsync) is started in a setImmediate after a full GC, and when a check every minIntervalMs finds the
 * resident size 16 MB above what it was after the last trim (what young-generation GCs free goes back to
 * glibc too, and full GCs can be minutes apart); at most once per minIntervalMs. Serving MNIST at c=64 it brought the gateway from ~235 to ~175 MB.
 */
export class MemoryTrimmer {
  private last = Number.NEGATIVE_INFINITY;
  private scheduled = false;
  private stopObserving: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private residentAfterTrim = 0;
  private trims = 0;

  private constructor(
    private readonly addon: MallocTrim,
    private readonly options: MemoryTrimmerOptions,
  ) {}

  /** Starts trimming, or returns why it cannot (no addon, or minIntervalMs 0 = off). */
  static start(options: MemoryTrimmerOptions): MemoryTrimmer | { off: string } {
    if (options.minIntervalMs <= 0) return { off: 'off (interval 0)' };
    const addon = options.addon === undefined ? loadMallocTrim() : { addon: options.addon, reason: '' };
    if (!addon.addon) return { off: `not available: ${addon.reason || 'no addon'}` };
    const trimmer = new MemoryTrimmer(addon.addon, options);
    trimmer.residentAfterTrim = trimmer.resident();
    trimmer.stopObserving = (options.majorGcs ?? observeMajorGcs)(() => trimmer.request());
    trimmer.timer = setInterval(() => {
      if (trimmer.resident() - trimmer.residentAfterTrim >= GROWTH_TRIGGER_BYTES) trimmer.request();
    }, options.minIntervalMs).unref();
    return trimmer;
  }

  get stats(): MemoryTrimStats {
    return { trims: this.trims };
  }

  describe(): string {
    return `on (after full GCs and growth of 16 MB, at most every ${this.options.minIntervalMs} ms)`;
  }

  stop(): void {
    this.stopObserving?.();
    this.stopObserving = undefined;
    clearInterval(this.timer);
  }

  private resident(): number {
    return (this.options.residentBytes ?? process.memoryUsage.rss)();
  }

  private request(): void {
    const now = (this.options.now ?? Date.now)();
    if (this.scheduled || now - this.last < this.options.minIntervalMs) return;
    this.last = now;
    this.scheduled = true;
    // Not inside the GC callback: let the event loop finish what the GC interrupted first.
    setImmediate(() => {
      if (!this.stopObserving) {
        this.scheduled = false;
        return;
      }
      const done = () => {
        this.scheduled = false;
        this.trims++;
        this.residentAfterTrim = this.resident();
      };
      // Off the event loop when the addon can (a trim takes 0.3–6 ms here); one trim at a time either way.
      if (this.addon.trimAsync) this.addon.trimAsync(done);
      else {
        this.addon.trim();
        done();
      }
    }).unref();
  }
}
