import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { decodeInferenceLog, type InferenceLogRecord } from '@infergate/inference-log-schema';
import { matches } from './log-filter';
import type { LogReaderOptions } from './log-reader.options';

export interface LogLine extends InferenceLogRecord {
  readonly partition: number;
  readonly offset: string;
  /** The Kafka record's own timestamp (epoch ms). */
  readonly kafkaTimestamp: number;
}

export interface ReadResult {
  readonly read: number;
  readonly printed: number;
  readonly undecodable: number;
}

/**
 * Reads a topic from the chosen start, decodes every value as a plain-Avro inferencelog record (as
 * Hopsworks' own readers do: no framing, null keys) and hands the records passing the filter to `emit`.
 * Without `follow` it stops at the end offsets it saw when it started; with it, when `signal` aborts.
 */
export async function readLogs(
  options: LogReaderOptions,
  emit: (line: LogLine) => void,
  signal?: AbortSignal,
  warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
): Promise<ReadResult> {
  const kafka = new Kafka({
    clientId: 'infergate-log-reader',
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  let starts: Map<number, string>;
  let ends: Map<number, bigint>;
  try {
    [starts, ends] = await Promise.all([startOffsets(admin, options), endOffsets(admin, options.topic)]);
  } finally {
    await admin.disconnect();
  }
  const remaining = new Set(
    [...ends].filter(([p, end]) => BigInt(starts.get(p) ?? '0') < end).map(([p]) => p),
  );
  const result = { read: 0, printed: 0, undecodable: 0 };
  if (!options.follow && remaining.size === 0) return result;

  // A throwaway group that never commits: reading never moves anyone's offsets.
  const consumer = kafka.consumer({ groupId: `infergate-log-reader-${process.pid}-${Date.now()}` });
  await consumer.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      const finish = () => resolve();
      signal?.addEventListener('abort', finish, { once: true });
      if (signal?.aborted) return finish();
      consumer
        .subscribe({ topic: options.topic, fromBeginning: true })
        .then(() =>
          consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch, heartbeat }) => {
              for (const message of batch.messages) {
                // Until the seek applies, a fetch may still start at the beginning: skip what precedes the start.
                if (BigInt(message.offset) < BigInt(starts.get(batch.partition) ?? '0')) continue;
                result.read++;
                const end = ends.get(batch.partition);
                const past = !options.follow && end !== undefined && BigInt(message.offset) >= end;
                if (!past && message.value) {
                  let record: InferenceLogRecord | undefined;
                  try {
                    record = decodeInferenceLog(message.value, options.schemaVersion as 1);
                  } catch (error) {
                    result.undecodable++;
                    warn(
                      `partition ${batch.partition} offset ${message.offset}: not an inferencelog record: ${String(error)}`,
                    );
                  }
                  if (record && matches(record, options.filter)) {
                    result.printed++;
                    emit({
                      partition: batch.partition,
                      offset: message.offset,
                      kafkaTimestamp: Number(message.timestamp),
                      ...record,
                    });
                  }
                }
                if (!options.follow && end !== undefined && BigInt(message.offset) + 1n >= end) {
                  remaining.delete(batch.partition);
                  if (remaining.size === 0) return finish();
                }
              }
              await heartbeat();
            },
          }),
        )
        .then(() => seekWhenReady(consumer, options.topic, starts))
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return result;
}

/**
 * kafkajs' run() can resolve while the consumer group is still (re)joining (e.g. the coordinator was not
 * ready yet), and seek() then throws "Consumer group was not initialized": try again for a few seconds.
 */
async function seekWhenReady(consumer: Consumer, topic: string, starts: Map<number, string>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      for (const [partition, offset] of starts) consumer.seek({ topic, partition, offset });
      return;
    } catch (error) {
      if (attempt >= 100 || !/not initialized/i.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function startOffsets(admin: Admin, options: LogReaderOptions): Promise<Map<number, string>> {
  const { topic, startAt } = options;
  switch (startAt.kind) {
    case 'beginning':
      return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.low]));
    case 'end':
      return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
    case 'offset':
      return new Map(
        (await admin.fetchTopicOffsets(topic)).map((p) => [
          p.partition,
          // Clamp into [low, high]: an offset past the end reads nothing instead of resetting.
          String(bigMin(bigMax(BigInt(startAt.offset), BigInt(p.low)), BigInt(p.high))),
        ]),
      );
    case 'time': {
      const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, startAt.timestamp);
      const high = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
      // -1 means no record at or after the time: start at the end.
      return new Map(byTime.map((p) => [p.partition, p.offset === '-1' ? high.get(p.partition)! : p.offset]));
    }
    default: {
      const never: never = startAt;
      throw new Error(`unknown start ${JSON.stringify(never)}`);
    }
  }
}

async function endOffsets(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
}

const bigMax = (a: bigint, b: bigint) => (a > b ? a : b);
const bigMin = (a: bigint, b: bigint) => (a < b ? a : b);
