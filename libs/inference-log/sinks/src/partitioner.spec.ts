import type { PartitionerArgs, PartitionMetadata } from 'kafkajs';
import { roundRobinPartitioner, SEND_BATCH } from './partitioner';

// kafkajs' own default partitioner, its random start made the same as the one given to ours.
// (Jest lets a mock factory use only `mock`-named variables; it runs when kafkajs requires the module.)
const mockStart = 0x7ffffffd; // crosses 2^31 within the run, where the turn wraps (x & 0x7fffffff)
jest.mock('kafkajs/src/producer/partitioners/legacy/randomBytes', () => () => {
  const b = Buffer.alloc(32);
  b.writeUInt32BE(mockStart, 0);
  return b;
});
type Partitioner = () => (args: PartitionerArgs) => number;
const kafkajsDefault = jest.requireActual<Partitioner>('kafkajs/src/producer/partitioners/default');

function metadata(leaders: number[]): PartitionMetadata[] {
  return leaders.map((leader, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader,
    replicas: [leader],
    isr: [leader],
  }));
}

describe('roundRobinPartitioner', () => {
  it('picks the partitions kafkajs picks, in the same order (keys, explicit partitions, leaderless partitions)', () => {
    const ours = roundRobinPartitioner(() => mockStart)();
    const theirs = kafkajsDefault();
    const layouts = [[1], [1, 2, 3], [1, -1, 2, -1, 3], [-1, -1], [-1, 4, -1], [0, 1, 2, 3, 4, 5, 6]];
    const picks: [number, number][] = [];
    for (let i = 0; i < 600; i++) {
      const layout = layouts[i % layouts.length]!;
      const topic = ['mnist-inf1', 'iris-inf2'][i % 2]!;
      const message =
        i % 11 === 0
          ? { key: `k${i}`, value: 'v' }
          : i % 13 === 0
            ? { partition: 0, value: 'v' }
            : { key: null, value: 'v' };
      const args = { topic, partitionMetadata: metadata(layout), message };
      picks.push([ours(args), theirs(args)]);
    }
    expect(picks.map(([a]) => a)).toEqual(picks.map(([, b]) => b));
    // The run exercised the round robin (not only keys).
    expect(new Set(picks.map(([a]) => a)).size).toBeGreaterThan(3);
  });

  it('gives the messages of one send batch one partition, one turn per batch', () => {
    const ours = roundRobinPartitioner(() => 0)();
    const plain = roundRobinPartitioner(() => 0)();
    const partitionMetadata = metadata([1, 2, 3]);
    const pick = (batch: number | undefined, topic = 't') =>
      ours({ topic, partitionMetadata, message: { key: null, value: 'v', [SEND_BATCH]: batch } as never });
    // Three batches of four, then one untagged message: the turns of four plain messages.
    const picks = [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3].map((b) => pick(b));
    expect(picks).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0]);
    expect(pick(undefined)).toBe(1);
    // The same batch number on another topic is that topic's own turn.
    expect(pick(3, 'u')).toBe(1);
    const turns = Array.from({ length: 5 }, () =>
      plain({ topic: 't', partitionMetadata, message: { key: null, value: 'v' } }),
    );
    expect(turns).toEqual([1, 2, 0, 1, 2]);
    // A batch tag never overrides a key or an explicit partition.
    expect(
      ours({
        topic: 't',
        partitionMetadata,
        message: { partition: 2, value: 'v', [SEND_BATCH]: 3 } as never,
      }),
    ).toBe(2);
  });
});
