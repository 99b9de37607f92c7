import { describeError, type ModelServerLogger } from './model-server-logger';
import {
  SessionLostError,
  type Placement,
  type SessionHandle,
  type SessionLoader,
  type SessionOptions,
  type SessionTensor,
  type TimedRun,
  type TimedSessionHandle,
  type TimedSessionLoader,
} from './session-loader';

/** Runs an estimate needs before a placement is decided on it. */
const ESTIMATE_RUNS = 32;
/** Fewest runs between two moves of a session, so a model near a threshold does not flap. */
const MIN_RUNS_BETWEEN_MOVES = 256;
/** The wait after a failed move doubles per failure in a row, up to MAX_BACKOFF × MIN_RUNS_BETWEEN_MOVES. */
const MAX_BACKOFF = 1024;
/**
 * Inline runs move back to the worker only above this multiple of inlineMaxRunUs: the gap keeps a model
 * whose runs hover around the threshold in one place.
 */
const MOVE_BACK_FACTOR = 4;

export interface AdaptivePlacementOptions {
  /** Estimated ORT run time (µs) at or under which a session moves to the main thread. */
  readonly inlineMaxRunUs: number;
  readonly logger: ModelServerLogger;
}

/**
 * 'auto' placement. A worker round trip costs more CPU than a fast model's run (MNIST: ≈ 115 µs more per
 * request than on the main thread, for a 25–45 µs run), but on the main thread a slow model stalls every
 * other request. So every version is loaded in the worker first (safe for an unknown model), each run's
 * compute is measured, and a version whose runs stay cheap moves to the main thread — and back, should its
 * inline runs turn slow.
 */
export class AdaptiveSessionLoader implements SessionLoader {
  constructor(
    private readonly worker: TimedSessionLoader,
    private readonly main: TimedSessionLoader,
    private readonly options: AdaptivePlacementOptions,
  ) {}

  async load(modelPath: string, options: SessionOptions): Promise<AdaptiveSession> {
    const session = await this.worker.load(modelPath, options);
    return new AdaptiveSession(
      modelPath,
      options,
      { worker: this.worker, main: this.main },
      session,
      this.options,
    );
  }

  async close(): Promise<void> {
    await Promise.all([this.worker.close(), this.main.close()]);
  }
}

/**
 * One version's session, on whichever side its run times call for. A move loads the other side while the
 * current one keeps serving, swaps at once, and releases the old session after its runs in flight: no
 * request waits for or fails because of a move.
 */
export class AdaptiveSession implements SessionHandle {
  readonly inputMetadata: SessionHandle['inputMetadata'];
  readonly outputMetadata: SessionHandle['outputMetadata'];
  private current: PlacedSession;
  private readonly policy: PlacementPolicy;
  private readonly logger: ModelServerLogger;
  private moving = false;
  private releasing: Promise<void> | undefined;
  /** Moves and retirements in progress, which release() waits for. Never rejects. */
  private readonly background = new Set<Promise<void>>();

  constructor(
    private readonly modelPath: string,
    private readonly options: SessionOptions,
    private readonly loaders: Readonly<Record<Placement, TimedSessionLoader>>,
    worker: TimedSessionHandle,
    settings: AdaptivePlacementOptions,
  ) {
    this.inputMetadata = worker.inputMetadata;
    this.outputMetadata = worker.outputMetadata;
    this.current = new PlacedSession('worker', worker);
    this.policy = new PlacementPolicy(settings.inlineMaxRunUs);
    this.logger = settings.logger;
  }

  get placement(): Placement {
    return this.current.placement;
  }

  async run(
    feeds: Record<string, SessionTensor>,
    fetches: readonly string[],
  ): Promise<Record<string, SessionTensor>> {
    const side = this.current;
    let result: TimedRun;
    try {
      result = await side.run(feeds, fetches);
    } catch (error) {
      // ModelVersion drops a lost session without releasing it and loads the version again, so release
      // what else this holds (a main-thread session) here.
      if (error instanceof SessionLostError) this.track(this.release());
      throw error;
    }
    // A run on a session being retired says nothing about the current one.
    if (side === this.current && !this.releasing) {
      const target = this.policy.observe(side.placement, result.runUs);
      if (target && !this.moving) this.track(this.move(target, this.policy.estimateUs));
    }
    return result.outputs;
  }

  release(): Promise<void> {
    this.releasing ??= this.releaseAll();
    return this.releasing;
  }

  private async releaseAll(): Promise<void> {
    // A move in progress releases the session it loaded; a retiring session is released after its runs.
    await Promise.all(this.background);
    await this.current.release();
  }

  private async move(target: Placement, estimateUs: number): Promise<void> {
    const from = this.current.placement;
    this.moving = true;
    let session: TimedSessionHandle;
    try {
      session = await this.loaders[target].load(this.modelPath, this.options);
    } catch (error) {
      this.policy.moveFailed();
      this.logger.warn(
        `${this.modelPath}: loading a session on the ${target} thread failed, staying on the ${from} thread: ${describeError(error)}`,
      );
      return;
    } finally {
      this.moving = false;
    }
    if (this.releasing) return session.release();
    const previous = this.current;
    this.current = new PlacedSession(target, session);
    this.policy.moved();
    const us = Math.round(estimateUs);
    this.logger.log(
      target === 'main'
        ? `${this.modelPath}: runs take ~${us} µs, computing on the main thread`
        : `${this.modelPath}: runs take ~${us} µs, moving to the worker thread`,
    );
    await previous.release();
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) =>
        this.logger.warn(`${this.modelPath}: releasing a session failed: ${describeError(error)}`),
      )
      .finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }
}

/** A session on one side, counting its runs in flight so that it is released only after they finish. */
class PlacedSession {
  private inflight = 0;
  private idle: (() => void) | undefined;

  constructor(
    readonly placement: Placement,
    private readonly session: TimedSessionHandle,
  ) {}

  async run(feeds: Record<string, SessionTensor>, fetches: readonly string[]): Promise<TimedRun> {
    this.inflight++;
    try {
      return await this.session.runTimed(feeds, fetches);
    } finally {
      if (--this.inflight === 0) this.idle?.();
    }
  }

  async release(): Promise<void> {
    if (this.inflight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    await this.session.release();
  }
}

/** Decides from measured run times where a session should compute. */
class PlacementPolicy {
  /** Mean run time: exact over the first ESTIMATE_RUNS runs, then an EWMA over about as many. */
  private meanUs = 0;
  private samples = 0;
  private runsSinceMove = 0;
  /** None before the first move (a trusted estimate suffices), MIN_RUNS_BETWEEN_MOVES or more after one. */
  private runsBetweenMoves = 0;
  private failures = 0;

  constructor(private readonly inlineMaxRunUs: number) {}

  get estimateUs(): number {
    return this.meanUs;
  }

  /** Counts a run on the current placement; returns where the session should move, if anywhere. */
  observe(placement: Placement, runUs: number): Placement | undefined {
    this.runsSinceMove++;
    // Weighing each run 1/min(n, 32) lets a slow first run (ORT warming up) count for 1/32 only.
    this.meanUs += (runUs - this.meanUs) / Math.min(++this.samples, ESTIMATE_RUNS);
    if (this.samples < ESTIMATE_RUNS || this.runsSinceMove < this.runsBetweenMoves) return undefined;
    if (placement === 'worker' && this.meanUs <= this.inlineMaxRunUs) return 'main';
    if (placement === 'main' && this.meanUs > MOVE_BACK_FACTOR * this.inlineMaxRunUs) return 'worker';
    return undefined;
  }

  /** The session moved: its new placement is judged on its own runs. */
  moved(): void {
    this.meanUs = 0;
    this.samples = 0;
    this.runsSinceMove = 0;
    this.runsBetweenMoves = MIN_RUNS_BETWEEN_MOVES;
    this.failures = 0;
  }

  /** A move failed to load: try again later, waiting twice as long after each failure in a row. */
  moveFailed(): void {
    this.runsSinceMove = 0;
    this.runsBetweenMoves = MIN_RUNS_BETWEEN_MOVES * Math.min(2 ** this.failures++, MAX_BACKOFF);
  }
}
