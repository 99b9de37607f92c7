import { Module } from '@nestjs/common';
import { InferenceLogModule } from '../inference-log/inference-log.module';
import { MetricsModule } from '../metrics/metrics.module';
import { InferenceController } from './inference.controller';
import { InferenceLane } from './inference.lane';
import { InferenceService } from './inference.service';

@Module({
  imports: [InferenceLogModule, MetricsModule],
  controllers: [InferenceController],
  providers: [InferenceService, InferenceLane],
})
export class InferenceModule {}
