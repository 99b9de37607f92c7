import { Kafka, logLevel, type Producer, type TopicMessages, CompressionTypes } from 'kafkajs';
import { encodeInferenceLog } from '@infergate/inference-log-schema';
import type { InferenceLogEntry, InferenceLogSink, SinkHealth } from './inference-log.sink';

export interface KafkaSinkOptions {
  readonly brokers: readonly string[];
  readonly clientId?: string;
  /** Per produce request; kafkajs' own retries happen inside it. */
  readonly requestTimeoutMs?: number;
  readonly connectionTimeoutMs?: number;
  readonly logger?: { log(message: string): void; warn(message: string): void };
}

/**
 * Writes records to each serving's topic through ONE long-lived producer (Hopsworks opens
 * and closes a producer per request). Values are plain Avro binary and keys are null, as Hopsworks writes
 * them, so existing consumers decode them unchanged. Every batch is sent with acks=all.
 */
export class KafkaSink implements InferenceLogSink {
  readonly name = 'kafka';
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private connecting: Promise<void> | undefined;
  private connected = false;
  private lastError: string | undefined;
  private closed = false;
  private everConnected = false;

  constructor(private readonly options: KafkaSinkOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'infergate',
      brokers: [...options.brokers],
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      requestTimeout: options.requestTimeoutMs ?? 10000,
      logLevel: logLevel.NOTHING,
      // The pipeline owns retrying with back-off; keep kafkajs' own retries short so a dead broker
      // surfaces as a failed write quickly instead of stalling the queue for minutes.
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    this.producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      retry: { retries: 2, initialRetryTime: 100 },
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
  }

  async write(batch: readonly InferenceLogEntry[]): Promise<void> {
    if (this.closed) throw new Error('kafka sink is closed');
    const byTopic = new Map<string, TopicMessages>();
    for (const { destination, record } of batch) {
      if (destination.topic === null) continue;
      let group = byTopic.get(destination.topic);
      if (!group) {
        group = { topic: destination.topic, messages: [] };
        byTopic.set(destination.topic, group);
      }
      group.messages.push({ key: null, value: encodeInferenceLog(record) });
    }
    if (byTopic.size === 0) return;
    await this.ensureConnected();
    try {
      await this.producer.sendBatch({
        topicMessages: [...byTopic.values()],
        acks: -1,
        compression: CompressionTypes.None,
      });
      this.lastError = undefined;
    } catch (error) {
      this.lastError = describe(error);
      throw error;
    }
  }

  async health(): Promise<SinkHealth> {
    if (this.closed) return { state: 'down', detail: 'closed' };
    try {
      await this.ensureConnected();
    } catch (error) {
      return { state: 'down', detail: describe(error) };
    }
    return this.lastError ? { state: 'down', detail: this.lastError } : { state: 'up' };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.producer.disconnect().catch(() => undefined);
  }

  private ensureConnected(): Promise<void> {
    if (this.connected) return Promise.resolve();
    if (!this.connecting) {
      this.connecting = this.producer
        .connect()
        .then(() => {
          if (this.lastError !== undefined || !this.everConnected) {
            this.options.logger?.log(`kafka producer connected to ${this.options.brokers.join(',')}`);
          }
          this.everConnected = true;
          this.connected = true;
        })
        .catch((error: unknown) => {
          this.lastError = describe(error);
          throw error;
        })
        .finally(() => {
          this.connecting = undefined;
        });
    }
    return this.connecting;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
