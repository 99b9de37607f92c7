import type { InferenceLogEntry, InferenceLogSink } from './inference-log.sink';

export interface LogPipelineOptions {
  /** Records held in memory at most; beyond it new records are dropped, counted and logged. */
  readonly capacity: number;
  /** Records per sink write at most. */
  readonly batchSize: number;
  /** How long a partial batch waits for company before it is written. */
  readonly lingerMs: number;
  /** Back-off after a failed write: doubles from min to max. */
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
}

/** Counters the pipeline reports to whoever exports metrics; keeps the lib free of a metrics library. */
export interface LogPipelineObserver {
  queued?(count: number): void;
  sent?(count: number, latenciesMs: readonly number[]): void;
  failed?(count: number, error: unknown): void;
  dropped?(count: number): void;
}

export interface LogPipelineLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface LogPipelineStats {
  readonly queued: number;
  readonly sent: number;
  readonly failedAttempts: number;
  readonly dropped: number;
  readonly depth: number;
  readonly lastError?: string;
}

interface Queued {
  readonly entry: InferenceLogEntry;
  readonly enqueuedAt: number;
}

/**
 * Takes records off the request path: `enqueue` is synchronous and O(1), and a single background loop
 * drains the bounded queue into the sink in batches (count or linger, whichever first). A failed write is
 * retried with back-off and never surfaces to the caller; while it fails, new records queue up to the
 * capacity, after which they are dropped and counted (the durable spool is a separate concern).
 */
export class LogPipeline {
  private readonly queue: Queued[] = [];
  private head = 0;
  private draining = false;
  private lingerTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private stats = {
    queued: 0,
    sent: 0,
    failedAttempts: 0,
    dropped: 0,
    lastError: undefined as string | undefined,
  };
  private lastDropLog = 0;
  private failing = false;

  constructor(
    private readonly sink: InferenceLogSink,
    private readonly options: LogPipelineOptions,
    private readonly observer: LogPipelineObserver = {},
    private readonly logger: LogPipelineLogger = console,
  ) {}

  get depth(): number {
    return this.queue.length - this.head;
  }

  /** Accepts a record for delivery; returns false when it was dropped because the queue is full. */
  enqueue(entry: InferenceLogEntry): boolean {
    if (this.closed || this.depth >= this.options.capacity) {
      this.stats.dropped++;
      this.observer.dropped?.(1);
      const now = Date.now();
      if (now - this.lastDropLog >= 1000) {
        this.lastDropLog = now;
        this.logger.warn(
          `inference log queue ${this.closed ? 'closed' : `full (${this.options.capacity})`}: record dropped; ${this.stats.dropped} dropped so far`,
        );
      }
      return false;
    }
    this.queue.push({ entry, enqueuedAt: Date.now() });
    this.stats.queued++;
    this.observer.queued?.(1);
    this.schedule();
    return true;
  }

  snapshot(): LogPipelineStats {
    return { ...this.stats, depth: this.depth };
  }

  /** Resolves once everything queued so far has been written (or the pipeline closed). */
  async drained(): Promise<void> {
    if (this.depth === 0 && !this.draining) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops accepting records, tries to write what is queued within `timeoutMs`, then closes the sink. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    this.schedule(true);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.drained(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (this.depth > 0) {
      this.logger.warn(`inference log pipeline closed with ${this.depth} records undelivered`);
    }
    await this.sink.close();
  }

  private schedule(now = false): void {
    if (this.draining) return;
    if (now || this.depth >= this.options.batchSize || this.options.lingerMs <= 0) {
      if (this.lingerTimer) clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
      void this.drain();
    } else if (!this.lingerTimer) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = undefined;
        void this.drain();
      }, this.options.lingerMs);
    }
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    let backoff = this.options.retryMinMs;
    try {
      while (this.depth > 0) {
        const end = Math.min(this.queue.length, this.head + this.options.batchSize);
        const batch = this.queue.slice(this.head, end);
        try {
          await this.sink.write(batch.map((q) => q.entry));
        } catch (error) {
          this.stats.failedAttempts += batch.length;
          this.stats.lastError = error instanceof Error ? error.message : String(error);
          this.observer.failed?.(batch.length, error);
          if (!this.failing) {
            this.failing = true;
            this.logger.warn(
              `inference log sink ${this.sink.name} failing, retrying: ${this.stats.lastError}`,
            );
          }
          if (this.closed) return;
          await sleep(backoff);
          backoff = Math.min(backoff * 2, this.options.retryMaxMs);
          continue;
        }
        if (this.failing) {
          this.failing = false;
          this.logger.log(`inference log sink ${this.sink.name} recovered`);
        }
        backoff = this.options.retryMinMs;
        const now = Date.now();
        this.head = end;
        this.stats.sent += batch.length;
        this.observer.sent?.(
          batch.length,
          batch.map((q) => now - q.enqueuedAt),
        );
        // Compact the array once the consumed prefix dominates, so memory stays bounded.
        if (this.head > 1024 && this.head * 2 > this.queue.length) {
          this.queue.splice(0, this.head);
          this.head = 0;
        }
      }
    } finally {
      this.draining = false;
      if (this.depth === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      } else if (!this.closed) {
        this.schedule();
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
