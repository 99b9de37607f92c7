import { Logger, Module } from '@nestjs/common';
import type { InferenceLogSink } from '@infergate/inference-log-sinks';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { MetricsModule } from '../metrics/metrics.module';
import { InferenceLogService } from './inference-log.service';
import { LOG_PIPELINE, LOG_SINK } from './inference-log.tokens';
import { createLogSink, createLogWriter } from './log-sink.factory';

@Module({
  imports: [MetricsModule],
  providers: [
    {
      provide: LOG_SINK,
      useFactory: (config: AppConfig) => createLogSink(config, new Logger('InferenceLogSink')),
      inject: [APP_CONFIG],
    },
    {
      provide: LOG_PIPELINE,
      useFactory: (config: AppConfig, sink: InferenceLogSink, metrics: MetricsService) =>
        createLogWriter(config, sink, metrics, new Logger('InferenceLogPipeline')),
      inject: [APP_CONFIG, LOG_SINK, MetricsService],
    },
    InferenceLogService,
  ],
  exports: [InferenceLogService, LOG_SINK],
})
export class InferenceLogModule {}
