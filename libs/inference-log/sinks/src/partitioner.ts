import { randomBytes } from 'node:crypto';
import { Partitioners, type ICustomPartitioner, type PartitionerArgs } from 'kafkajs';

/**
 * kafkajs' default partitioner (2.2.4) as the sink's producer uses it, without its allocation per message:
 * for a message without a partition or key it filters the topic's partition list down to those with a
 * leader on every call, an array per logged record. This one counts and picks those partitions in place, in
 * the same order: round robin over the partitions with a leader, from a random start per topic (or over
 * all partitions when none has a leader). Messages with a partition or a key go to kafkajs' own.
 * `start` gives a topic's first counter (kafkajs: a random unsigned 32-bit number). Messages tagged with
 * SEND_BATCH take one turn per batch instead of one each.
 */
/**
 * A message property that kafkajs never writes to Kafka: messages carrying the same number under it
 * (KafkaSink.send's messages of one batch) get the partition the first of them got, one turn per batch.
 */
export const SEND_BATCH = Symbol('infergate.sendBatch');

export function roundRobinPartitioner(
  start: () => number = () => randomBytes(4).readUInt32BE(0),
): ICustomPartitioner {
  return () => {
    const keyed = Partitioners.DefaultPartitioner();
    const counters = new Map<string, number>();
    const lastBatch = new Map<string, { batch: number; partition: number }>();
    const pick = (topic: string, partitionMetadata: PartitionerArgs['partitionMetadata']): number => {
      const counter = (counters.get(topic) ?? start()) + 1;
      counters.set(topic, counter);
      const turn = counter & 0x7fffffff;
      let available = 0;
      for (const p of partitionMetadata) if (p.leader >= 0) available++;
      if (available === 0) return turn % partitionMetadata.length;
      let nth = turn % available;
      for (const p of partitionMetadata) {
        if (p.leader >= 0 && nth-- === 0) return p.partitionId;
      }
      return turn % partitionMetadata.length; // unreachable: `available` counted them
    };
    return (args: PartitionerArgs): number => {
      const { topic, partitionMetadata, message } = args;
      if (message.partition != null || message.key != null) return keyed(args);
      const batch = (message as { [SEND_BATCH]?: number })[SEND_BATCH];
      if (batch === undefined) return pick(topic, partitionMetadata);
      const last = lastBatch.get(topic);
      if (last?.batch === batch && last.partition < partitionMetadata.length) return last.partition;
      const partition = pick(topic, partitionMetadata);
      lastBatch.set(topic, { batch, partition });
      return partition;
    };
  };
}
