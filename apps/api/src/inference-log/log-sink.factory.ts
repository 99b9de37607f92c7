import {
  AvroFileSink,
  KafkaSink,
  LogPipeline,
  ThreadedKafkaSink,
  kafkajsTuning,
  SpooledLogPipeline,
  type InferenceLogSink,
  type InferenceLogWriter,
} from '@infergate/inference-log-sinks';
import type { AppConfig } from '../config/app-config';
import type { MetricsService } from '../metrics/metrics.service';

type Logger = { log(m: string): void; warn(m: string): void };

/**
 * The one place that picks the log sink: Kafka when brokers are configured (its producer on the gateway's
 * thread, or on a thread of its own with KAFKA_PRODUCER_THREAD=thread), otherwise the embedded default of one Avro container file
 * per serving under DATA_DIR.
 */
export function createLogSink(config: AppConfig, logger: Logger): InferenceLogSink {
  if (config.kafka) {
    const { brokers, clientId, producer } = config.kafka;
    // The producer thread logs its own kafkajs tuning when it starts (its module cache is its own).
    if (producer === 'thread') return new ThreadedKafkaSink({ brokers, clientId, logger });
    logger.log(`kafkajs producer tuning ${kafkajsTuning}`);
    return new KafkaSink({ brokers, clientId, logger });
  }
  return new AvroFileSink({ directory: config.inferenceLog.directory, fsync: config.inferenceLog.fsync });
}

/**
 * What the request path hands records to. Kafka goes through the durable spool (a broker outage or a
 * SIGKILL loses nothing that reached the spool). The Avro file sink keeps the in-memory pipeline: its
 * "delivery" is a local append to the same disk, so a spool in front of it would only write twice.
 */
export async function createLogWriter(
  config: AppConfig,
  sink: InferenceLogSink,
  metrics: MetricsService,
  logger: Logger,
): Promise<InferenceLogWriter> {
  const log = config.inferenceLog;
  if (sink instanceof KafkaSink || sink instanceof ThreadedKafkaSink) {
    return SpooledLogPipeline.open(
      sink,
      {
        directory: log.spool.directory,
        flushMs: log.spool.flushMs,
        flushBytes: 1024 * 1024,
        fsync: log.spool.fsync,
        fsyncIntervalMs: log.spool.fsyncIntervalMs,
        maxBytes: log.spool.maxBytes,
        atCap: log.spool.atCap,
        segmentBytes: log.spool.segmentBytes,
        deliveryLingerMs: log.spool.deliveryLingerMs,
        batchRecords: log.batchSize,
        batchBytes: log.batchBytes,
        retryMinMs: 100,
        retryMaxMs: 5000,
      },
      metrics.spoolObserver(),
      logger,
    );
  }
  return new LogPipeline(
    sink,
    {
      capacity: log.capacity,
      batchSize: log.batchSize,
      lingerMs: log.lingerMs,
      retryMinMs: 100,
      retryMaxMs: 5000,
    },
    metrics.logPipelineObserver(),
    logger,
  );
}
