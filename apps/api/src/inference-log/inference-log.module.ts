import { Logger, Module } from '@nestjs/common';
import { LogPipeline, type InferenceLogSink } from '@infergate/inference-log-sinks';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { MetricsModule } from '../metrics/metrics.module';
import { InferenceLogService } from './inference-log.service';
import { LOG_PIPELINE, LOG_SINK } from './inference-log.tokens';
import { createLogSink } from './log-sink.factory';

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
        new LogPipeline(
          sink,
          {
            capacity: config.inferenceLog.capacity,
            batchSize: config.inferenceLog.batchSize,
            lingerMs: config.inferenceLog.lingerMs,
            retryMinMs: 100,
            retryMaxMs: 5000,
          },
          metrics.logPipelineObserver(),
          new Logger('InferenceLogPipeline'),
        ),
      inject: [APP_CONFIG, LOG_SINK, MetricsService],
    },
    InferenceLogService,
  ],
  exports: [InferenceLogService, LOG_SINK],
})
export class InferenceLogModule {}
