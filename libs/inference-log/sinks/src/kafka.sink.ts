import { Kafka, logLevel, type Message, type Producer, type TopicMessages, CompressionTypes } from 'kafkajs';
import { encodeInferenceLog } from '@infergate/inference-log-schema';
import type { InferenceLogEntry, InferenceLogSink, SinkHealth } from './inference-log.sink';
import { describeError } from './describe-error';
import { roundRobinPartitioner, SEND_BATCH } from './partitioner';
import type { SpoolTransport } from './inference-log.writer';
import { recordRunsSupported, RecordRun } from './kafkajs-tuning';
import { valueAt, type ValueRun } from './value-run';

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
export class KafkaSink implements InferenceLogSink, SpoolTransport {
  readonly name = 'kafka';
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private connecting: Promise<void> | undefined;
  private connected = false;
  private lastError: string | undefined;
  private closed = false;
  private everConnected = false;
  /** Whether send() may hand kafkajs a spool batch as one RecordRun message (see there). */
  private readonly runs = recordRunsSupported(Kafka);
  /** Numbers the batches of send() for the partitioner (SEND_BATCH), when sent a message per record. */
  private sends = 0;

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
      createPartitioner: roundRobinPartitioner(),
      retry: { retries: 2, initialRetryTime: 100 },
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
  }

  /** True when send() hands kafkajs each batch as one RecordRun message (the kafkajs tuning is in place). */
  get recordRuns(): boolean {
    return this.runs;
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
      this.lastError = describeError(error);
      throw error;
    }
  }

  /**
   * Produces already-encoded values (the spool's records) to one topic with acks=all, as one record batch
   * to one partition: the partitioner is asked once per batch, so successive batches take the topic's
   * partitions in turn (as Kafka's own producer does for null keys since KIP-480), and a batch's records
   * stay in order in one partition. With the kafkajs tuning in place the batch is one RecordRun message,
   * encoded straight from the run's bytes; otherwise (Jest, another kafkajs version) a message per record,
   * all tagged for one partition (SEND_BATCH), which writes the same bytes.
   */
  async send(topic: string, values: ValueRun): Promise<void> {
    if (this.closed) throw new Error('kafka sink is closed');
    if (values.count === 0) return;
    await this.ensureConnected();
    let messages: Message[];
    if (this.runs) messages = [{ key: null, value: new RecordRun(values) as unknown as Buffer }];
    else {
      const batch = ++this.sends;
      messages = new Array<Message>(values.count);
      for (let i = 0; i < values.count; i++) {
        messages[i] = { key: null, value: valueAt(values, i), [SEND_BATCH]: batch } as Message;
      }
    }
    try {
      await this.producer.send({
        topic,
        messages,
        acks: -1,
        compression: CompressionTypes.None,
      });
      this.lastError = undefined;
    } catch (error) {
      this.lastError = describeError(error);
      throw error;
    }
  }

  isPermanent(error: unknown): boolean {
    // Kafka refuses these for the records themselves; retrying the same bytes can never succeed.
    let e: unknown = error;
    for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
      const { type, cause, originalError } = e as {
        type?: unknown;
        cause?: unknown;
        originalError?: unknown;
      };
      if (typeof type === 'string' && PERMANENT.has(type)) return true;
      e = originalError ?? cause;
    }
    return false;
  }

  async health(): Promise<SinkHealth> {
    if (this.closed) return { state: 'down', detail: 'closed' };
    try {
      await this.ensureConnected();
    } catch (error) {
      return { state: 'down', detail: describeError(error) };
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
          this.lastError = describeError(error);
          throw error;
        })
        .finally(() => {
          this.connecting = undefined;
        });
    }
    return this.connecting;
  }
}

const PERMANENT = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
]);
