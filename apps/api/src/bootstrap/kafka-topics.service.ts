import { Inject, Injectable, Logger } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { DATABASE, type Db } from '@infergate/store';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/**
 * Makes sure every serving's topic exists (1 partition, 1 replica, Hopsworks' client defaults) when
 * Kafka is configured. A broker that is down at boot is logged, not fatal: records wait in the queue.
 */
@Injectable()
export class KafkaTopicsService {
  private readonly logger = new Logger('KafkaTopics');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE) private readonly db: Db,
  ) {}

  async ensureServingTopics(): Promise<void> {
    if (!this.config.kafka) return;
    const rows = await this.db
      .selectFrom('servings')
      .select('kafka_topic')
      .where('kafka_topic', 'is not', null)
      .execute();
    const topics = [...new Set(rows.map((r) => r.kafka_topic as string))];
    if (topics.length === 0) return;
    const admin = new Kafka({
      clientId: `${this.config.kafka.clientId}-admin`,
      brokers: [...this.config.kafka.brokers],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      retry: { retries: 1 },
    }).admin();
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length > 0) {
        await admin.createTopics({
          topics: missing.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
          waitForLeaders: true,
        });
        this.logger.log(`created topics ${missing.join(', ')}`);
      }
    } catch (error) {
      this.logger.warn(
        `could not check serving topics (${(error as Error).message}); records will wait for the broker`,
      );
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
