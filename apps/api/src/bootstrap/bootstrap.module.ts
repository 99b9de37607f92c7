import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { KafkaTopicsService } from './kafka-topics.service';
import { SeedService } from './seed.service';

@Module({ providers: [SeedService, KafkaTopicsService] })
export class BootstrapModule implements OnApplicationBootstrap {
  constructor(
    private readonly seed: SeedService,
    private readonly topics: KafkaTopicsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.seed.seedIfEmpty();
    await this.topics.ensureServingTopics();
  }
}
