import { randomBytes } from 'node:crypto';
import { Partitioners, type ICustomPartitioner, type PartitionerArgs } from 'kafkajs';

/**
 * kafkajs' default partitioner (2.2.4) as the sink's producer uses it, without its allocation per message:
 * for a message without a partition or key it filters the topic's partition list down to those with a
 * leader on every call, an array per logged record. This one counts and picks those partitions in place, in
 * the same order: round robin over the partitions with a leader, from a random start per topic (or over
 * all partitions when none has a leader). Messages with a partition or a key go to kafkajs' own.
 * `start` gives a topic's first counter (kafkajs: a random unsigned 32-bit number).
 */
export function roundRobinPartitioner(
  start: () => number = () => randomBytes(4).readUInt32BE(0),
): ICustomPartitioner {
  return () => {
    const keyed = Partitioners.DefaultPartitioner();
    const counters = new Map<string, number>();
    return (args: PartitionerArgs): number => {
      const { topic, partitionMetadata, message } = args;
      if (message.partition != null || message.key != null) return keyed(args);
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
  };
}
