import type * as ort from 'onnxruntime-node';
import { type TensorData } from '../tensor/host-tensor';

/** A tensor crossing into or out of ONNX Runtime: ORT's type name, dims and row-major data. */
export interface SessionTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: TensorData;
}

/** One loaded ORT session, wherever it runs. */
export interface SessionHandle {
  readonly inputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  readonly outputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  run(
    feeds: Record<string, SessionTensor>,
    fetches: readonly string[],
  ): Promise<Record<string, SessionTensor>>;
  release(): Promise<void>;
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

/** The session itself is gone (its worker thread died): the version must be loaded again. */
export class SessionLostError extends Error {
  override name = 'SessionLostError';
}
