import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { encodeInferenceLog } from '@infergate/inference-log-schema';
import type { InferenceLogEntry, InferenceLogSink, SinkHealth } from './inference-log.sink';
import type { SpoolTransport } from './inference-log.writer';
import type { ThreadFailure, ThreadReply, ThreadRequest, ThreadSettings } from './kafka-thread.protocol';
import { describeError } from './describe-error';
import { detachedCopy, valueRunOf, type ValueRun } from './value-run';

export interface ThreadedKafkaSinkOptions extends ThreadSettings {
  readonly logger?: { log(message: string): void; warn(message: string): void };
  /** How long close() waits for the producer to disconnect before it stops the thread (default 10 s). */
  readonly closeTimeoutMs?: number;
  /** The producer thread's heap limits (default: PRODUCER_THREAD_LIMITS). */
  readonly resourceLimits?: ResourceLimits;
}

/**
 * The producer thread's heap: a young generation of 3 MB (V8's default follows the process's semi-space
 * flag, 4 MB x 3 under `npm start`) and an old generation capped at 64 MB. What lives there is the
 * batches in flight (at most one per serving, ≤ LOG_BATCH_BYTES each) and kafkajs' own state; the cap
 * bounds the gateway's RSS, and a thread that hits it stops and is restarted (its sends are retried).
 */
export const PRODUCER_THREAD_LIMITS: ResourceLimits = {
  maxYoungGenerationSizeMb: 3,
  maxOldGenerationSizeMb: 64,
};

/** A produce (or health check) the producer thread failed; `permanent` as KafkaSink.isPermanent said. */
export class KafkaThreadError extends Error {
  readonly type: string | undefined;
  readonly permanent: boolean;
  constructor(failure: ThreadFailure) {
    super(failure.message);
    this.name = failure.name;
    this.type = failure.type;
    this.permanent = failure.permanent;
  }
}

type RequestBody = ThreadRequest extends infer R ? (R extends ThreadRequest ? Omit<R, 'id'> : never) : never;

type OkReply = Extract<ThreadReply, { ok: true }>;

interface Pending {
  resolve(reply: OkReply): void;
  reject(error: Error): void;
}

/**
 * The Kafka sink on its own thread: a KafkaSink (one long-lived producer, acks=all) runs in a worker
 * thread, and this side hands it each batch of the spool as one copied buffer. The gateway's thread then
 * does no producer work at all (kafkajs' per-message objects, the produce request's encoding and
 * checksum, the socket writes, the response handling), which was most of what logging to Kafka cost it
 * per request, and the GC of those objects happens in the producer thread's heap.
 *
 * If the thread dies, its pending sends are rejected (retryable: the spool keeps the records and the
 * pipeline retries) and the next call starts a new one.
 */
export class ThreadedKafkaSink implements InferenceLogSink, SpoolTransport {
  readonly name = 'kafka';
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(private readonly options: ThreadedKafkaSinkOptions) {}

  send(topic: string, values: ValueRun): Promise<void> {
    // A copy, transferred: the spool keeps its batch for a retry, and the thread gets bytes of its own.
    const run = detachedCopy(values);
    return this.call({ op: 'send', topic, bytes: run.bytes, bounds: run.bounds, count: run.count }, [
      run.bytes.buffer as ArrayBuffer,
    ]).then(() => undefined);
  }

  async write(batch: readonly InferenceLogEntry[]): Promise<void> {
    const byTopic = new Map<string, Buffer[]>();
    for (const { destination, record } of batch) {
      if (destination.topic === null) continue;
      let values = byTopic.get(destination.topic);
      if (!values) byTopic.set(destination.topic, (values = []));
      values.push(encodeInferenceLog(record));
    }
    for (const [topic, values] of byTopic) await this.send(topic, valueRunOf(values));
  }

  isPermanent(error: unknown): boolean {
    return error instanceof KafkaThreadError && error.permanent;
  }

  async health(): Promise<SinkHealth> {
    if (this.closed) return { state: 'down', detail: 'closed' };
    try {
      const reply = await this.call({ op: 'health' });
      return reply.health ?? { state: 'down', detail: 'no answer from the kafka producer thread' };
    } catch (error) {
      return { state: 'down', detail: describeError(error) };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const worker = this.worker;
    const closing = worker ? this.call({ op: 'close' }) : undefined;
    this.closed = true;
    if (!worker) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      closing!.catch(() => undefined),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.closeTimeoutMs ?? 10_000))),
    ]);
    clearTimeout(timer);
    await worker.terminate();
  }

  private call(body: RequestBody, transfer: ArrayBuffer[] = []): Promise<OkReply> {
    if (this.closed) return Promise.reject(new Error('kafka sink is closed'));
    let worker: Worker;
    try {
      worker = this.ensureWorker();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...body, id }, transfer);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const { script, evaluate } = threadScript();
    const { brokers, clientId, requestTimeoutMs, connectionTimeoutMs } = this.options;
    const settings: ThreadSettings = {
      brokers: [...brokers],
      clientId,
      requestTimeoutMs,
      connectionTimeoutMs,
    };
    const worker = new Worker(script, {
      eval: evaluate,
      workerData: settings,
      name: 'kafka-producer',
      resourceLimits: this.options.resourceLimits ?? PRODUCER_THREAD_LIMITS,
    });
    // Held open only while a request waits on it (call() refs it), so it never keeps a process alive.
    worker.unref();
    let failure: Error | undefined;
    worker.on('message', (reply: ThreadReply) => this.onReply(worker, reply));
    worker.on('error', (error) => {
      failure = error;
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      const why = failure ? describeError(failure) : `exit code ${code}`;
      if (!this.closed)
        this.options.logger?.warn(`kafka producer thread stopped (${why}); restarting on demand`);
      this.failPending(new Error(`kafka producer thread stopped (${why})`));
    });
    this.worker = worker;
    return worker;
  }

  private onReply(worker: Worker, reply: ThreadReply): void {
    if ('op' in reply) {
      this.options.logger?.[reply.level](reply.message);
      return;
    }
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) worker.unref();
    if (reply.ok) pending.resolve(reply);
    else pending.reject(new KafkaThreadError(reply.error));
  }

  private failPending(error: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }
}

/**
 * The producer thread's entry: the compiled kafka-producer.thread.js beside this file (the gateway's
 * dist/), or, when running from the TypeScript sources (Jest, tools run through run-ts), the .ts file
 * compiled on load by the repo's run-ts hook.
 */
function threadScript(): { script: string; evaluate: boolean } {
  const compiled = join(__dirname, 'kafka-producer.thread.js');
  if (existsSync(compiled)) return { script: compiled, evaluate: false };
  const source = join(__dirname, 'kafka-producer.thread.ts');
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const runTs = join(dir, 'tools/scripts/run-ts.cjs');
    if (existsSync(source) && existsSync(runTs)) {
      return { script: `require(${JSON.stringify(runTs)})(${JSON.stringify(source)})`, evaluate: true };
    }
  }
  throw new Error(`kafka producer thread: neither ${compiled} nor its TypeScript source with run-ts found`);
}
