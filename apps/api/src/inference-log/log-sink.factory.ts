import { AvroFileSink, KafkaSink, type InferenceLogSink } from '@infergate/inference-log-sinks';
import type { AppConfig } from '../config/app-config';

/**
 * The one place that picks the log sink: Kafka when brokers are configured, otherwise the embedded
 * default of one Avro container file per serving under DATA_DIR.
 */
export function createLogSink(
  config: AppConfig,
  logger: { log(m: string): void; warn(m: string): void },
): InferenceLogSink {
  if (config.kafka) {
    return new KafkaSink({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, logger });
  }
  return new AvroFileSink({ directory: config.inferenceLog.directory, fsync: config.inferenceLog.fsync });
}
