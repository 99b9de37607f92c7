import { Inject, Injectable } from '@nestjs/common';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { ServingRepository } from '@infergate/store';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { KafkaError, KafkaErrorCode } from './kafka.error';

/**
 * Topic checks and creation for serving management. With Kafka configured they go to the broker through
 * the kafkajs admin client; without it, a topic "exists" when a serving of the project logs to it (its
 * records then go to Avro files), which keeps the API's behaviour the same on the embedded default.
 */
@Injectable()
export class KafkaAdminService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly servings: ServingRepository,
  ) {}

  get brokerConfigured(): boolean {
    return this.config.kafka !== null;
  }

  async topicExists(projectId: number, topic: string): Promise<boolean> {
    if (!this.config.kafka) return this.servings.topicInUse(topic, projectId);
    return this.withAdmin(async (admin) => (await admin.listTopics()).includes(topic));
  }

  /** Creates the topic; false when it already exists (the caller picks another name). */
  async createTopic(topic: string, partitions: number, replicas: number): Promise<boolean> {
    if (!this.config.kafka) return !(await this.servings.topicInUse(topic));
    return this.withAdmin(async (admin) => {
      try {
        return await admin.createTopics({
          topics: [{ topic, numPartitions: partitions, replicationFactor: replicas }],
          waitForLeaders: true,
        });
      } catch (error) {
        const types = ((error as { errors?: { type?: string }[] }).errors ?? []).map((e) => e.type);
        if (types.includes('INVALID_REPLICATION_FACTOR')) {
          throw new KafkaError(
            KafkaErrorCode.TOPIC_REPLICATION_ERROR,
            `Cannot create topic ${topic} with ${replicas} replicas: ${(error as Error).message}`,
          );
        }
        if (types.includes('TOPIC_ALREADY_EXISTS')) return false;
        throw error;
      }
    });
  }

  private async withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    const kafka = this.config.kafka!;
    const admin = new Kafka({
      clientId: `${kafka.clientId}-admin`,
      brokers: [...kafka.brokers],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      retry: { retries: 2 },
    }).admin();
    try {
      await admin.connect();
      return await fn(admin);
    } catch (error) {
      if (error instanceof KafkaError) throw error;
      throw new KafkaError(
        KafkaErrorCode.KAFKA_GENERIC_ERROR,
        `Kafka admin request failed: ${(error as Error).message}`,
        { cause: error },
      );
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
