import type { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import type { ConsumerConfig } from './config/consumer-config';
import { ConsumerAppModule } from './consumer-app.module';
import { InferenceLogDeserializer } from './stats/inference-log.deserializer';

const LEVELS: Record<ConsumerConfig['logLevel'], LogLevel[]> = {
  log: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
};

/** Builds the hybrid app (HTTP + Kafka microservice) and starts consuming; the caller listens. */
export async function createConsumerApp(config: ConsumerConfig): Promise<INestApplication> {
  const app = await NestFactory.create(ConsumerAppModule.forRoot(config), {
    logger: LEVELS[config.logLevel],
  });
  app.enableShutdownHooks();
  app.connectMicroservice<MicroserviceOptions>(
    {
      transport: Transport.KAFKA,
      options: {
        client: { clientId: config.kafka.clientId, brokers: config.kafka.brokers, logLevel: logLevel.WARN },
        consumer: { groupId: config.kafka.groupId, allowAutoTopicCreation: false },
        subscribe: { fromBeginning: true },
        // Values are plain Avro: keep the bytes (Nest would JSON-parse them) and decode them ourselves.
        parser: { keepBinary: true },
        deserializer: new InferenceLogDeserializer(),
      },
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await app.init();
  return app;
}
