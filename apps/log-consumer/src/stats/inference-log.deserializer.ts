import type { Deserializer, IncomingEvent } from '@nestjs/microservices';
import { decodeInferenceLog, type InferenceLogRecord } from '@infergate/inference-log-schema';

/** What the consumer's event handler receives for each Kafka record of an inference-log topic. */
export interface ConsumedLog {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly record?: InferenceLogRecord;
  /** Set instead of `record` when the value is not an inferencelog v1 record. */
  readonly error?: string;
}

interface RawKafkaMessage {
  readonly value: Buffer | null;
  readonly partition: number;
  readonly offset: string;
}

/**
 * Nest's Kafka transport parses values as JSON (or UTF-8 text) by default; inference logs are plain
 * Avro, so the server runs with `parser.keepBinary` and this deserializer decodes the raw bytes with
 * the schema lib. The pattern is the topic, as Nest's own KafkaRequestDeserializer does.
 */
export class InferenceLogDeserializer implements Deserializer<RawKafkaMessage, IncomingEvent> {
  deserialize(message: RawKafkaMessage, options?: { channel?: string }): IncomingEvent {
    const topic = options?.channel ?? '';
    const base = { topic, partition: message.partition, offset: message.offset };
    let data: ConsumedLog;
    try {
      if (!message.value) throw new Error('null value');
      data = { ...base, record: decodeInferenceLog(message.value) };
    } catch (error) {
      data = { ...base, error: error instanceof Error ? error.message : String(error) };
    }
    return { pattern: topic, data };
  }
}
