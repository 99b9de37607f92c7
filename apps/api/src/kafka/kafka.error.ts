/** Kafka topic failures, named after Hopsworks' KafkaErrorCode (range 190000). */
export enum KafkaErrorCode {
  TOPIC_NOT_FOUND = 'TOPIC_NOT_FOUND',
  TOPIC_REPLICATION_ERROR = 'TOPIC_REPLICATION_ERROR',
  KAFKA_GENERIC_ERROR = 'KAFKA_GENERIC_ERROR',
  BAD_NUM_PARTITION = 'BAD_NUM_PARTITION',
}

export class KafkaError extends Error {
  constructor(
    readonly code: KafkaErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KafkaError';
  }
}
