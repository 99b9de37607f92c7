import type { SinkHealth } from './inference-log.sink';

/** What the gateway's thread asks the Kafka producer thread (ThreadedKafkaSink <-> kafka-producer.thread). */
export type ThreadRequest = { readonly id: number } & (
  | {
      readonly op: 'send';
      readonly topic: string;
      readonly bytes: Uint8Array;
      readonly bounds: Uint32Array;
      readonly count: number;
    }
  | { readonly op: 'health' }
  | { readonly op: 'close' }
);

/** A failed request, as the producer thread saw it (an Error does not keep its fields across threads). */
export interface ThreadFailure {
  readonly name: string;
  readonly message: string;
  /** kafkajs' error type (e.g. MESSAGE_TOO_LARGE) when it named one. */
  readonly type: string | undefined;
  /** KafkaSink.isPermanent's verdict: retrying the same records cannot succeed. */
  readonly permanent: boolean;
}

export type ThreadReply =
  | { readonly id: number; readonly ok: true; readonly health?: SinkHealth }
  | { readonly id: number; readonly ok: false; readonly error: ThreadFailure }
  | { readonly op: 'log'; readonly level: 'log' | 'warn'; readonly message: string };

/** The producer thread's start-up settings (workerData). */
export interface ThreadSettings {
  readonly brokers: readonly string[];
  readonly clientId?: string;
  readonly requestTimeoutMs?: number;
  readonly connectionTimeoutMs?: number;
}
