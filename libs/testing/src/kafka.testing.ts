import { Kafka, logLevel, type Admin } from 'kafkajs';

/**
 * The broker the test command starts (tools/kafka/kafka.sh). Tests that need Kafka fail loudly when it
 * is not there rather than skipping: a skipped Kafka test would pass a broken log path.
 */
export function testBrokers(): string[] {
  return (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
}

export function testKafka(): Kafka {
  return new Kafka({ clientId: 'infergate-tests', brokers: testBrokers(), logLevel: logLevel.NOTHING });
}

export function uniqueTopic(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Pre-creates topics (KRaft answers the first produce to an auto-created topic with LEADER_NOT_AVAILABLE). */
export async function createTopics(...topics: string[]): Promise<void> {
  await withAdmin((admin) =>
    admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
      waitForLeaders: true,
    }),
  );
}

export interface ConsumedMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly partition: number;
  readonly offset: string;
}

/**
 * Reads a topic from the beginning until `count` messages arrived or `timeoutMs` passed, and returns
 * what arrived (the caller asserts the count, so a shortfall shows as a clear diff).
 */
export async function consumeTopic(
  topic: string,
  count: number,
  timeoutMs = 20000,
): Promise<ConsumedMessage[]> {
  const consumer = testKafka().consumer({
    groupId: uniqueTopic('test-reader'),
    allowAutoTopicCreation: false,
  });
  const messages: ConsumedMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          messages.push({ key: message.key, value: message.value, partition, offset: message.offset });
          if (messages.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
