import type { InferenceLogInput } from '@infergate/inference-log-schema';

/** Where one serving's records go: its Kafka topic (null = no topic) and names used for files. */
export interface LogDestination {
  readonly servingId: number;
  readonly servingName: string;
  readonly topic: string | null;
}

export interface InferenceLogEntry {
  readonly destination: LogDestination;
  readonly record: InferenceLogInput;
}

export interface SinkHealth {
  readonly state: 'up' | 'down';
  readonly detail?: string;
}

/**
 * A durable destination for inference log records. `write` resolves only once every entry of the batch
 * is stored (acknowledged by Kafka, written to the file); on rejection none of the batch may be assumed
 * stored, and the pipeline retries the whole batch, so a sink must tolerate a batch written twice.
 */
export interface InferenceLogSink {
  readonly name: string;
  write(batch: readonly InferenceLogEntry[]): Promise<void>;
  health(): Promise<SinkHealth>;
  close(): Promise<void>;
}
