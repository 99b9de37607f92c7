import { readdir, readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { encodeInferenceLog, inferenceLogSize, writeInferenceLog } from '@infergate/inference-log-schema';
import { describeError } from './describe-error';
import type { InferenceLogEntry, InferenceLogSink, SinkHealth } from './inference-log.sink';
import type { InferenceLogWriter, SpoolTransport } from './inference-log.writer';
import type { LogPipelineLogger, LogPipelineStats } from './log-pipeline';
import { ServingSpool, type SpoolByteTally, type SpoolFsync } from './serving-spool';
import { encodeFrame, encodeFrameWith, frameLength, type ValueWriter } from './spool-record';

export type SpoolCapPolicy = 'refuse-new' | 'drop-oldest';

export interface SpooledLogPipelineOptions {
  /** Root directory; each serving's spool is the sub-directory named by its id. */
  readonly directory: string;
  /** How long a record may sit in memory before it is written to the spool (the crash window). */
  readonly flushMs: number;
  /** A buffer reaching this size is written at once, whatever flushMs says. */
  readonly flushBytes: number;
  readonly fsync: SpoolFsync;
  readonly fsyncIntervalMs: number;
  /** Total bytes of all spools (acknowledged bytes of unsealed segments included). */
  readonly maxBytes: number;
  readonly atCap: SpoolCapPolicy;
  readonly segmentBytes: number;
  /**
   * After a produce whose batch took everything the spool had on disk, wait this long before reading
   * the next one (a batch cut by batchRecords, batchBytes or a segment's end is followed at once), so
   * that under load records go out in fewer, larger produce requests instead of one per flush. Records
   * are durable meanwhile; only their arrival in Kafka waits. Default 0.
   */
  readonly deliveryLingerMs?: number;
  /** Records and bytes per Kafka produce request at most (the broker's message.max.bytes is 1 MiB). */
  readonly batchRecords: number;
  readonly batchBytes: number;
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
}

export interface ServingRef {
  readonly servingId: number;
  readonly servingName: string;
}

export type SpoolDropReason = 'cap' | 'rejected' | 'io' | 'closed';

/** Per-serving events, for whoever exports metrics; keeps the lib free of a metrics library. */
export interface SpoolObserver {
  spooled?(serving: ServingRef, count: number): void;
  produced?(serving: ServingRef, count: number): void;
  acknowledged?(serving: ServingRef, latenciesMs: Float64Array, replayed: boolean): void;
  failed?(serving: ServingRef, count: number, error: unknown): void;
  dropped?(serving: ServingRef, count: number, reason: SpoolDropReason): void;
  corrupt?(serving: ServingRef, regions: number, bytes: number): void;
  /** Called after every change of a serving's depth (records not yet acknowledged) or spool bytes. */
  level?(serving: ServingRef, depth: number, bytes: number): void;
}

interface ServingState {
  readonly spool: ServingSpool;
  delivering: boolean;
  /** The last batch read took everything written to the spool (no backlog behind it). */
  drained: boolean;
  failing: boolean;
  /** The pause before the next attempt after a failure (doubles up to retryMaxMs; reset by a success). */
  backoff: number;
  wake: (() => void) | undefined;
}

/**
 * Kafka delivery through a durable on-disk spool. The request path encodes the record and appends it
 * to its serving's in-memory buffer (synchronous, O(1)); a timer writes every buffer to the serving's
 * spool each `flushMs` (or at `flushBytes`). Each serving has one delivery loop that reads batches from
 * its spool, produces them with acks=all and then advances the acknowledged cursor, so records go out
 * in order per serving and one serving's dead topic never holds up another. A failed produce is
 * retried with back-off for as long as it takes; nothing is dropped except at the spool cap (policy
 * `atCap`), for records Kafka refuses outright (too large), or on a disk error, each counted and logged.
 *
 * Delivery is at-least-once: a crash or a produce that timed out after the broker stored it makes the
 * batch go out again, so duplicates appear only around a crash or a reconnect.
 */
export class SpooledLogPipeline implements InferenceLogWriter {
  private readonly servings = new Map<number, ServingState>();
  private readonly opening = new Map<number, Promise<ServingState>>();
  private readonly waiting = new Map<number, Buffer[]>();
  /**
   * What `bytes` adds up, kept as it changes: the cap check reads it for every record, which must not
   * cost more with more servings or a longer backlog (summing the spools did: 2 µs per record with one
   * serving, 16-21 µs with 1 000 holding a backlog; docs/benchmarks.md).
   */
  private readonly spooled: SpoolByteTally = { bytes: 0 };
  private waitingBytes = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private lastDropLog = 0;
  private lastCapRefusal = 0;
  private capMakingRoom: Promise<void> | undefined;
  private stats = {
    queued: 0,
    sent: 0,
    failedAttempts: 0,
    dropped: 0,
    lastError: undefined as string | undefined,
  };

  private constructor(
    private readonly transport: SpoolTransport,
    private readonly options: SpooledLogPipelineOptions,
    private readonly observer: SpoolObserver,
    private readonly logger: LogPipelineLogger,
  ) {}

  /** Opens every spool left by an earlier process and starts replaying it. */
  static async open(
    transport: SpoolTransport,
    options: SpooledLogPipelineOptions,
    observer: SpoolObserver = {},
    logger: LogPipelineLogger = console,
  ): Promise<SpooledLogPipeline> {
    mkdirSync(options.directory, { recursive: true });
    const pipeline = new SpooledLogPipeline(transport, options, observer, logger);
    for (const name of await readdir(options.directory)) {
      if (!/^\d+$/.test(name)) continue;
      const servingId = Number(name);
      let servingName = `serving-${servingId}`;
      try {
        servingName = (
          JSON.parse(await readFile(join(options.directory, name, 'serving.json'), 'utf8')) as ServingRef
        ).servingName;
      } catch {
        // A spool without its label file still replays; only the metric label is generic.
      }
      const state = await pipeline.openServing(servingId, servingName);
      if (state.spool.depth > 0) {
        logger.log(
          `inference log spool of serving ${servingName} (${servingId}): replaying ${state.spool.depth} records`,
        );
      }
      pipeline.report(state.spool);
      void pipeline.deliver(state);
    }
    if (options.fsync === 'interval') {
      pipeline.syncTimer = setInterval(() => pipeline.syncAll(), options.fsyncIntervalMs);
      pipeline.syncTimer.unref();
    }
    return pipeline;
  }

  get depth(): number {
    let n = 0;
    for (const s of this.servings.values()) n += s.spool.depth;
    for (const w of this.waiting.values()) n += w.length;
    return n;
  }

  get bytes(): number {
    return this.spooled.bytes + this.waitingBytes;
  }

  enqueue(entry: InferenceLogEntry): boolean {
    const { destination, record } = entry;
    const { topic } = destination;
    if (topic === null) return true;
    if (this.closed) return this.drop(destination, 1, 'closed');
    // The Avro value is written straight into the frame, and the frame straight into the spool's write
    // buffer, when it can be (no allocation per record).
    const size = inferenceLogSize(record);
    const encoded = size >= 0 ? undefined : encodeInferenceLog(record);
    const valueLength = encoded === undefined ? size : encoded.length;
    const frameBytes = frameLength(topic, valueLength);
    if (this.bytes + frameBytes > this.options.maxBytes) {
      if (this.options.atCap === 'refuse-new') return this.drop(destination, 1, 'cap');
      // Deleting old segments is asynchronous: while it runs, new records may overshoot the cap by one
      // segment, so that drop-oldest keeps the newest records instead of refusing them meanwhile.
      this.makeRoom();
      if (this.bytes + frameBytes > this.options.maxBytes + this.options.segmentBytes)
        return this.drop(destination, 1, 'cap');
    }
    const acceptedAt = Date.now();
    const state = this.servings.get(destination.servingId);
    if (state) {
      if (encoded === undefined) state.spool.appendFrame(topic, acceptedAt, size, writeRecord, record);
      else state.spool.append(encodeFrame(topic, acceptedAt, encoded));
      this.flushSoon(state);
    } else {
      const frame =
        encoded === undefined
          ? encodeFrameWith(topic, acceptedAt, size, writeRecord, record)
          : encodeFrame(topic, acceptedAt, encoded);
      // First records of a serving in this process: its spool directory opens asynchronously; they wait
      // here meanwhile, counted in depth and bytes so the cap stays right.
      let waiting = this.waiting.get(destination.servingId);
      if (!waiting) {
        const ref = { servingId: destination.servingId, servingName: destination.servingName };
        this.waiting.set(destination.servingId, (waiting = []));
        void this.openServing(ref.servingId, ref.servingName).then(
          (opened) => {
            this.waiting.delete(ref.servingId);
            for (const f of waiting!) {
              this.waitingBytes -= f.length;
              this.accept(opened, f);
            }
          },
          (error: unknown) => {
            this.waiting.delete(ref.servingId);
            for (const f of waiting!) this.waitingBytes -= f.length;
            this.drop(ref, waiting!.length, 'io', error);
          },
        );
      }
      waiting.push(frame);
      this.waitingBytes += frame.length;
    }
    this.stats.queued++;
    this.observer.spooled?.(destination, 1);
    return true;
  }

  /**
   * The log path's readiness: up while the spool accepts records, whatever Kafka's state (a broker
   * outage must not take the gateway out of rotation: inference never depends on Kafka). The detail
   * names Kafka's state and the backlog so an operator sees the outage.
   */
  async health(kafka: () => Promise<SinkHealth>): Promise<SinkHealth> {
    const broker = await kafka();
    // "Full" = refuse-new turned a record away in the last 5 s (the spool hovers just under its cap).
    const full = this.options.atCap === 'refuse-new' && Date.now() - this.lastCapRefusal < 5000;
    const detail =
      `kafka ${broker.state}${broker.detail ? ` (${broker.detail})` : ''}; ` +
      `spool ${this.depth} records, ${this.bytes} bytes of ${this.options.maxBytes}${full ? ', full: refusing records' : ''}`;
    return { state: this.closed || full ? 'down' : 'up', detail };
  }

  /** This pipeline seen as a sink (for readiness): writes enqueue, health is `health()` above. */
  asSink(kafka: InferenceLogSink): InferenceLogSink {
    return {
      name: `${kafka.name}+spool`,
      write: async (batch) => {
        for (const entry of batch) this.enqueue(entry);
      },
      health: () => this.health(() => kafka.health()),
      close: () => this.close(),
    };
  }

  snapshot(): LogPipelineStats & { readonly spoolBytes: number } {
    return { ...this.stats, depth: this.depth, spoolBytes: this.bytes };
  }

  async drained(): Promise<void> {
    if (this.isIdle()) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Writes every buffer to disk, tries to deliver within `timeoutMs`, then closes; the rest replays on restart. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.closed) return;
    await this.flushAll();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.drained(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    this.closed = true;
    clearTimeout(this.flushTimer);
    clearInterval(this.syncTimer);
    for (const state of this.servings.values()) state.wake?.();
    for (const state of this.servings.values()) await state.spool.close();
    if (this.depth > 0)
      this.logger.warn(`inference log spool closed with ${this.depth} records kept for replay`);
    await this.transport.close();
  }

  private accept(state: ServingState, frame: Buffer): void {
    if (this.closed) {
      this.drop(state.spool, 1, 'closed');
      return;
    }
    state.spool.append(frame);
    this.flushSoon(state);
  }

  /** Writes the serving's buffer now if it reached flushBytes, else within flushMs. */
  private flushSoon(state: ServingState): void {
    if (state.spool.bufferedBytes >= this.options.flushBytes) void this.flush(state);
    else if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        void this.flushAll();
      }, this.options.flushMs);
    }
  }

  private async flushAll(): Promise<void> {
    await Promise.all([...this.opening.values()]);
    await Promise.all([...this.servings.values()].map((state) => this.flush(state)));
  }

  private async flush(state: ServingState): Promise<void> {
    const pending = state.spool.depth;
    try {
      await state.spool.flush();
    } catch (error) {
      // The buffered records were not written (disk full, I/O error): count them as lost, keep going.
      this.drop(state.spool, Math.max(0, pending - state.spool.depth), 'io', error);
    }
    this.report(state.spool);
    if (state.spool.readable) void this.deliver(state);
  }

  private syncAll(): void {
    for (const state of this.servings.values()) {
      state.spool
        .sync()
        .catch((error: unknown) =>
          this.logger.warn(`inference log spool fsync failed: ${describeError(error)}`),
        );
    }
  }

  private openServing(servingId: number, servingName: string): Promise<ServingState> {
    const existing = this.servings.get(servingId);
    if (existing) return Promise.resolve(existing);
    let opening = this.opening.get(servingId);
    if (!opening) {
      opening = ServingSpool.open(
        join(this.options.directory, String(servingId)),
        servingId,
        servingName,
        { segmentBytes: this.options.segmentBytes, fsync: this.options.fsync },
        this.spooled,
      )
        .then(({ spool, corruption }) => {
          if (corruption.regions > 0) {
            this.logger.warn(
              `inference log spool of serving ${servingName} (${servingId}): ${corruption.regions} damaged region(s), ${corruption.bytes} bytes, will be skipped`,
            );
          }
          const state: ServingState = {
            spool,
            delivering: false,
            drained: false,
            failing: false,
            backoff: this.options.retryMinMs,
            wake: undefined,
          };
          this.servings.set(servingId, state);
          return state;
        })
        .finally(() => this.opening.delete(servingId));
      this.opening.set(servingId, opening);
    }
    return opening;
  }

  /**
   * One loop per serving: read a batch, produce it until acknowledged, settle it, repeat. Each step runs
   * in its own call (`deliverStep`), so the loop holds no batch while it pauses: a batch kept alive across
   * the delivery linger (25 ms) outlived two young-generation GCs under load, and every record of it was
   * promoted to the old generation, which then needed full GCs (docs/benchmarks.md).
   */
  private async deliver(state: ServingState): Promise<void> {
    if (state.delivering || this.closed) return;
    state.delivering = true;
    const { spool } = state;
    state.backoff = this.options.retryMinMs;
    try {
      while (!this.closed) {
        const pauseMs = await this.deliverStep(state);
        if (pauseMs < 0) break;
        if (pauseMs > 0) await this.pause(state, pauseMs);
      }
    } finally {
      state.delivering = false;
      this.report(spool);
      if (!this.closed && spool.readable) void this.deliver(state);
      else if (this.isIdle()) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }

  /**
   * Reads the next batch and produces it. Returns how long to pause before the next step (0: none; a
   * back-off after a failure, or the linger after a batch that drained the spool), or -1 when the spool
   * has nothing more to read. No batch outlives its step: a failed one goes back to the spool and is read
   * again after the back-off.
   */
  private async deliverStep(state: ServingState): Promise<number> {
    const { spool } = state;
    let batch: Awaited<ReturnType<ServingSpool['read']>>;
    try {
      batch = await spool.read(this.options.batchRecords, this.options.batchBytes);
    } catch (error) {
      this.logger.warn(
        `inference log spool of serving ${spool.servingName} unreadable, retrying: ${describeError(error)}`,
      );
      return this.backOff(state);
    }
    if (batch === null) return -1;
    if ('corruption' in batch) {
      this.observer.corrupt?.(spool, batch.corruption.regions, batch.corruption.bytes);
      this.logger.warn(
        `inference log spool of serving ${spool.servingName}: skipped a damaged region of ${batch.corruption.bytes} bytes`,
      );
      return 0;
    }
    state.drained = !spool.readable;
    this.observer.produced?.(spool, batch.values.count);
    try {
      await this.transport.send(batch.topic, batch.values);
    } catch (error) {
      if (this.transport.isPermanent(error)) {
        if (batch.values.count > 1) spool.splitIntoSingles(batch);
        else {
          spool.settle(batch);
          this.drop(spool, 1, 'rejected', error);
        }
        return 0;
      }
      this.stats.failedAttempts += batch.values.count;
      this.stats.lastError = describeError(error);
      this.observer.failed?.(spool, batch.values.count, error);
      // Read again after the back-off: a serving whose broker is down holds no batch (up to
      // LOG_BATCH_BYTES) in memory meanwhile, however many servings are waiting. Records whose segment the
      // cap dropped while they were in flight are counted with it (dropOldest left them to this attempt).
      if (!spool.unread(batch)) this.drop(spool, batch.values.count, 'cap');
      if (!state.failing) {
        state.failing = true;
        this.logger.warn(
          `inference log delivery of serving ${spool.servingName} to ${batch.topic} failing, records stay in the spool: ${this.stats.lastError}`,
        );
      }
      return this.backOff(state);
    }
    if (state.failing) {
      state.failing = false;
      this.logger.log(
        `inference log delivery of serving ${spool.servingName} recovered; ${spool.depth} records to go`,
      );
    }
    state.backoff = this.options.retryMinMs;
    spool.settle(batch);
    const now = Date.now();
    this.stats.sent += batch.values.count;
    if (this.observer.acknowledged) {
      const latencies = batch.acceptedAt; // the batch is done: its times become its latencies in place
      for (let i = 0; i < latencies.length; i++) latencies[i] = now - latencies[i]!;
      this.observer.acknowledged(spool, latencies, batch.replayed);
    }
    this.report(spool);
    const linger = this.options.deliveryLingerMs ?? 0;
    // A batch cut short by LOG_BATCH_SIZE, LOG_BATCH_BYTES or a segment's end has more behind it: no wait.
    return linger > 0 && state.drained && !this.closed ? linger : 0;
  }

  /** The current back-off, doubling the next one up to retryMaxMs. */
  private backOff(state: ServingState): number {
    const ms = state.backoff;
    state.backoff = Math.min(ms * 2, this.options.retryMaxMs);
    return ms;
  }

  /** Back-off that close() can cut short. */
  private async pause(state: ServingState, ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      state.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    state.wake = undefined;
  }

  /** drop-oldest: delete the oldest sealed segment of the largest spool (sealing one if needed). */
  private makeRoom(): void {
    if (this.capMakingRoom) return;
    this.capMakingRoom = (async () => {
      // At least one segment (the record that called us is not counted yet), then until back under
      // the cap: records accepted meanwhile (the one-segment overshoot) count too.
      do {
        const largest = [...this.servings.values()].sort((a, b) => b.spool.bytes - a.spool.bytes)[0];
        if (!largest) return;
        let dropped = await largest.spool.dropOldest();
        if (!dropped) {
          await largest.spool.seal();
          dropped = await largest.spool.dropOldest();
        }
        if (!dropped) return;
        this.drop(largest.spool, dropped.records, 'cap');
        this.report(largest.spool);
      } while (this.bytes > this.options.maxBytes);
    })().finally(() => {
      this.capMakingRoom = undefined;
    });
  }

  private drop(serving: ServingRef, count: number, reason: SpoolDropReason, error?: unknown): false {
    if (count <= 0) return false;
    this.stats.dropped += count;
    if (reason === 'cap') this.lastCapRefusal = Date.now();
    this.observer.dropped?.(serving, count, reason);
    const now = Date.now();
    if (now - this.lastDropLog >= 1000 || reason !== 'cap') {
      this.lastDropLog = now;
      const why = {
        cap: `spool at its cap (${this.options.maxBytes} bytes, policy ${this.options.atCap})`,
        rejected: 'refused by Kafka',
        io: `not written to the spool${error === undefined ? '' : `: ${describeError(error)}`}`,
        closed: 'pipeline closed',
      }[reason];
      this.logger.warn(
        `inference log records of serving ${serving.servingName} dropped (${count}): ${why}; ${this.stats.dropped} dropped so far`,
      );
    }
    return false;
  }

  private report(spool: ServingSpool): void {
    this.observer.level?.(spool, spool.depth, spool.bytes);
  }

  private isIdle(): boolean {
    // Records waiting for their serving's spool to open count too (the open settles before they move).
    if (this.opening.size > 0 || this.waiting.size > 0) return false;
    for (const s of this.servings.values()) if (s.spool.depth > 0 && !this.closed) return false;
    return true;
  }
}

/** The Avro value of an inference log record, written in place (its size is inferenceLogSize's). */
const writeRecord: ValueWriter<InferenceLogEntry['record']> = (record, buf, at) => {
  writeInferenceLog(record, buf, at);
};
