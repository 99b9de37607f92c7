import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Public } from '@infergate/auth';
import type { ConsumedLog } from './inference-log.deserializer';
import { ServingStatsService } from './serving-stats.service';

/**
 * Hopsworks names a serving's topic `{servingName}-inf{4 digits}` (KafkaServingHelper, "CREATE").
 * kafkajs resolves a pattern subscription when the consumer starts, so topics created later are picked
 * up at the next start.
 */
export const INFERENCE_LOG_TOPICS = /^[A-Za-z0-9]+-inf\d{4}$/;

/** The microservice side of the hybrid app: every record of every inference-log topic. */
@Controller()
export class InferenceLogConsumer {
  constructor(private readonly stats: ServingStatsService) {}

  // Public: the global HTTP auth guard has nothing to check on a Kafka message.
  @Public()
  @EventPattern(INFERENCE_LOG_TOPICS)
  onRecord(@Payload() log: ConsumedLog): void {
    this.stats.consume(log);
  }
}
