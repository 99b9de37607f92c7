import type * as ort from 'onnxruntime-node';
import { type TensorData } from '../tensor/host-tensor';

/** A tensor crossing into or out of ONNX Runtime: ORT's type name, dims and row-major data. */
export interface SessionTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: TensorData;
}

/** Where a session computes: 'main' blocks the event loop while it runs, 'worker' costs a round trip. */
export type Placement = 'main' | 'worker';

/** One loaded ORT session, wherever it runs. */
export interface SessionHandle {
  readonly inputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  readonly outputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  /** Where it computes now, for tests and diagnostics; given by the handles that move between threads. */
  readonly placement?: Placement;
  run(
    feeds: Record<string, SessionTensor>,
    fetches: readonly string[],
  ): Promise<Record<string, SessionTensor>>;
  release(): Promise<void>;
}

/** A run's outputs and how long ORT computed for it, in µs. */
export interface TimedRun {
  readonly outputs: Record<string, SessionTensor>;
  readonly runUs: number;
}

/** A session that also reports each run's compute time, which AdaptiveSessionLoader places sessions by. */
export interface TimedSessionHandle extends SessionHandle {
  runTimed(feeds: Record<string, SessionTensor>, fetches: readonly string[]): Promise<TimedRun>;
}

export interface TimedSessionLoader extends SessionLoader {
  load(modelPath: string, options: SessionOptions): Promise<TimedSessionHandle>;
}

export interface SessionOptions {
  readonly intraOpNumThreads?: number;
}

/**
 * Where sessions live and run. onnxruntime-node's session.run() computes synchronously on the calling
 * thread (its async API only defers to setImmediate), so the choice matters: on the main thread a run
 * blocks the event loop for its duration; in a worker thread it does not, for a message round trip.
 */
export interface SessionLoader {
  load(modelPath: string, options: SessionOptions): Promise<SessionHandle>;
  close(): Promise<void>;
}

/** The ORT session options every loader uses: one session per version, run sequentially. */
export function ortSessionOptions(options: SessionOptions): ort.InferenceSession.SessionOptions {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  // onnxruntime-node rejects an explicit undefined; leaving it out means ORT's default (all cores).
  if (options.intraOpNumThreads !== undefined) sessionOptions.intraOpNumThreads = options.intraOpNumThreads;
  return sessionOptions;
}

/**
 * Starts timing an ORT run; call the returned function once the run has resolved to get its compute time
 * in µs. onnxruntime-node computes in a setImmediate callback, so a clock around the call would also count
 * every callback queued before it (other requests' work, under load) and make a fast model look slow. An
 * immediate queued just before the call runs right before ORT's, so the clock starts there; if ORT ever
 * computes inside the call instead, that immediate has not fired yet and the clock started at the call.
 * ort-session.worker.cjs times its runs the same way. A run that fails needs no stop: the pending immediate
 * then fires once and does nothing.
 */
export function startRunClock(): () => number {
  let started = performance.now();
  const mark = setImmediate(() => (started = performance.now()));
  return () => {
    clearImmediate(mark);
    return (performance.now() - started) * 1000;
  };
}

/** The session itself is gone (its worker thread died): the version must be loaded again. */
export class SessionLostError extends Error {
  override name = 'SessionLostError';
}
