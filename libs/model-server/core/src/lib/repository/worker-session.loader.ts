import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import {
  SessionLostError,
  ortSessionOptions,
  type SessionOptions,
  type SessionTensor,
  type TimedRun,
  type TimedSessionHandle,
  type TimedSessionLoader,
} from './session-loader';

const WORKER_FILE = path.join(__dirname, 'ort-session.worker.cjs');

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * Sessions in one worker thread, so a model's compute never blocks the event loop (other requests,
 * status and health keep being answered). Still one session per model version; runs are serialised in
 * the worker. Costs a message round trip per call (inputs are transferred, not copied).
 */
export class WorkerSessionLoader implements TimedSessionLoader {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  /** Sessions alive in the current worker; at zero the worker is stopped (see release). */
  private sessions = 0;
  /** Workers stopped on purpose: their exit is not a failure of the sessions loaded since. */
  private readonly retired = new WeakSet<Worker>();

  async load(modelPath: string, options: SessionOptions): Promise<TimedSessionHandle> {
    const loaded = (await this.call({
      op: 'load',
      path: modelPath,
      options: ortSessionOptions(options),
    })) as {
      session: number;
      inputMetadata: ort.InferenceSession.ValueMetadata[];
      outputMetadata: ort.InferenceSession.ValueMetadata[];
    };
    const worker = this.worker;
    this.sessions++;
    // The worker answers a run with its outputs and how long session.run computed (timed in the worker).
    const runTimed = async (
      feeds: Record<string, SessionTensor>,
      fetches: readonly string[],
    ): Promise<TimedRun> => {
      if (this.worker !== worker)
        throw new SessionLostError('the inference worker restarted; this model version must be reloaded');
      const transfer: ArrayBuffer[] = [];
      for (const name in feeds) {
        const data = feeds[name].data;
        // Transfer only buffers the tensor owns outright; anything else is copied by the structured clone.
        if (
          !Array.isArray(data) &&
          data.byteOffset === 0 &&
          data.byteLength === data.buffer.byteLength &&
          data.buffer instanceof ArrayBuffer
        ) {
          transfer.push(data.buffer);
        }
      }
      return (await this.call({ op: 'run', session: loaded.session, feeds, fetches }, transfer)) as TimedRun;
    };
    return {
      inputMetadata: loaded.inputMetadata,
      outputMetadata: loaded.outputMetadata,
      run: async (feeds, fetches) => (await runTimed(feeds, fetches)).outputs,
      runTimed,
      release: async () => {
        if (this.worker !== worker) return;
        await this.call({ op: 'release', session: loaded.session });
        if (this.worker === worker && --this.sessions === 0 && this.pending.size === 0) {
          // No session left (e.g. every version moved to the main thread by 'auto' placement): stop the
          // thread, whose V8 heap and ORT arenas hold tens of MB. The next load starts a new one.
          this.worker = null;
          this.retired.add(worker!);
          await worker!.terminate();
        }
      },
    };
  }

  /** Whether the worker thread exists (it starts with the first load and stops with the last release). */
  get threadRunning(): boolean {
    return this.worker !== null;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.sessions = 0;
    await worker?.terminate();
  }

  private call(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<unknown> {
    const worker = this.ensureWorker();
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id }, transfer);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_FILE);
    worker.unref();
    worker.on('message', (msg: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error !== undefined) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
    });
    const fail = (error: Error) => {
      if (this.retired.has(worker)) return;
      if (this.worker === worker) {
        this.worker = null;
        this.sessions = 0;
      }
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    worker.on('error', (error) =>
      fail(new SessionLostError(`the inference worker failed: ${error.message}`)),
    );
    worker.on('exit', (code) => fail(new SessionLostError(`the inference worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}
