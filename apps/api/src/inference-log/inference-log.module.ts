import { Logger, Module } from '@nestjs/common';
import {
  SpooledLogPipeline,
  type InferenceLogSink,
  type InferenceLogWriter,
} from '@infergate/inference-log-sinks';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { MetricsModule } from '../metrics/metrics.module';
import { InferenceLogService } from './inference-log.service';
import { DELIVERY_SINK, LOG_PIPELINE, LOG_SINK } from './inference-log.tokens';
import { createLogSink, createLogWriter } from './log-sink.factory';

@Module({
  imports: [MetricsModule],
  providers: [
    {
      provide: DELIVERY_SINK,
      useFactory: (config: AppConfig) => createLogSink(config, new Logger('InferenceLogSink')),
      inject: [APP_CONFIG],
    },
    {
      provide: LOG_PIPELINE,
      useFactory: (config: AppConfig, sink: InferenceLogSink, metrics: MetricsService) =>
        createLogWriter(config, sink, metrics, new Logger('InferenceLogPipeline')),
      inject: [APP_CONFIG, DELIVERY_SINK, MetricsService],
    },
    {
      // Readiness: with the spool in front of Kafka, the log path is up while the spool accepts records.
      provide: LOG_SINK,
      useFactory: (writer: InferenceLogWriter, sink: InferenceLogSink) =>
        writer instanceof SpooledLogPipeline ? writer.asSink(sink) : sink,
      inject: [LOG_PIPELINE, DELIVERY_SINK],
    },
    InferenceLogService,
  ],
  exports: [InferenceLogService, LOG_SINK],
})
export class InferenceLogModule {}
