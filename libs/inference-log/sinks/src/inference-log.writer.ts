import type { InferenceLogEntry } from './inference-log.sink';
import type { LogPipelineStats } from './log-pipeline';
import type { ValueRun } from './value-run';

/**
 * What the gateway hands records to: the in-memory LogPipeline (file sink) or the SpooledLogPipeline
 * (Kafka with a durable spool). `enqueue` is synchronous and never waits on the sink.
 */
export interface InferenceLogWriter {
  enqueue(entry: InferenceLogEntry): boolean;
  snapshot(): LogPipelineStats;
  /** Resolves once everything accepted so far is acknowledged by the sink. */
  drained(): Promise<void>;
  close(timeoutMs?: number): Promise<void>;
}

/** Where the spool delivers to: one long-lived producer of already-encoded values. */
export interface SpoolTransport {
  readonly name: string;
  /**
   * Resolves once every value of the run is acknowledged (acks=all), in order. The run's bytes are the
   * spool's and valid until the promise settles (the spool reads the next batch into them): copy what
   * has to outlive it.
   */
  send(topic: string, values: ValueRun): Promise<void>;
  /** True for an error that retrying cannot fix for these records (e.g. a record over the size limit). */
  isPermanent(error: unknown): boolean;
  close(): Promise<void>;
}
