import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { InferenceLogRecord } from '@infergate/inference-log-schema';
import { ServingStatsRepository, type ServingStats, type ServingStatsDelta } from '@infergate/store';
import { CONSUMER_CONFIG, type ConsumerConfig } from '../config/consumer-config';
import type { ConsumedLog } from './inference-log.deserializer';

/** A record as `/logs?tail=N` returns it. */
export interface TailedLog extends InferenceLogRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

type MutableDelta = { -readonly [K in keyof ServingStatsDelta]: ServingStatsDelta[K] } & {
  statusClasses: [number, number, number, number, number];
};

/**
 * Per-serving statistics of the consumed inference logs: counted in memory, added to the store's
 * serving_stats row every STATS_FLUSH_MS (one transaction), and read back merged with what is pending.
 * Counting is at-least-once like the consumption itself: records consumed again after a restart before
 * their offsets were committed are counted again.
 */
@Injectable()
export class ServingStatsService implements OnApplicationShutdown {
  private readonly logger = new Logger('ServingStats');
  private pending = new Map<number, MutableDelta>();
  private readonly tails = new Map<number, TailedLog[]>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private undecodable = 0;

  constructor(
    private readonly repository: ServingStatsRepository,
    @Inject(CONSUMER_CONFIG) private readonly config: ConsumerConfig,
  ) {
    this.timer = setInterval(() => void this.flush(), config.statsFlushMs);
    this.timer.unref();
  }

  consume(log: ConsumedLog): void {
    const record = log.record;
    if (!record) {
      if (this.undecodable++ % 1000 === 0) {
        this.logger.warn(
          `${log.topic} partition ${log.partition} offset ${log.offset}: not an inferencelog record: ${log.error}`,
        );
      }
      return;
    }
    let delta = this.pending.get(record.modelId);
    if (!delta) {
      delta = {
        servingId: record.modelId,
        modelName: record.modelName,
        requests: 0,
        statusClasses: [0, 0, 0, 0, 0],
        requestBytes: 0,
        responseBytes: 0,
        firstSeen: record.requestTimestamp,
        lastSeen: record.requestTimestamp,
      };
      this.pending.set(record.modelId, delta);
    }
    delta.requests++;
    const statusClass = Math.floor(record.responseHttpCode / 100) - 1;
    if (statusClass >= 0 && statusClass < 5) delta.statusClasses[statusClass]++;
    delta.requestBytes += Buffer.byteLength(record.inferenceRequest);
    delta.responseBytes += Buffer.byteLength(record.inferenceResponse);
    delta.firstSeen = Math.min(delta.firstSeen, record.requestTimestamp);
    delta.lastSeen = Math.max(delta.lastSeen, record.requestTimestamp);
    let tail = this.tails.get(record.modelId);
    if (!tail) this.tails.set(record.modelId, (tail = []));
    tail.push({ topic: log.topic, partition: log.partition, offset: log.offset, ...record });
    if (tail.length > this.config.tailCapacity * 2) tail.splice(0, tail.length - this.config.tailCapacity);
  }

  /** The serving's statistics, pending counts included (written first, so the store has them too). */
  async stats(servingId: number, modelName: string): Promise<ServingStats> {
    await this.flush();
    return (
      (await this.repository.find(servingId)) ?? {
        servingId,
        modelName,
        requests: 0,
        status: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
        requestBytes: 0,
        responseBytes: 0,
        firstSeen: 0,
        lastSeen: 0,
      }
    );
  }

  /** The last `n` records consumed for the serving (since this process started), oldest first. */
  tail(servingId: number, n: number): TailedLog[] {
    const tail = this.tails.get(servingId) ?? [];
    return tail.slice(Math.max(0, tail.length - Math.min(n, this.config.tailCapacity)));
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      try {
        await this.repository.add([...batch.values()]);
      } catch (error) {
        // Put the counts back so the next flush retries them.
        for (const [id, d] of batch) {
          const now = this.pending.get(id);
          if (!now) this.pending.set(id, d);
          else {
            now.requests += d.requests;
            d.statusClasses.forEach((c, i) => (now.statusClasses[i] += c));
            now.requestBytes += d.requestBytes;
            now.responseBytes += d.responseBytes;
            now.firstSeen = Math.min(now.firstSeen, d.firstSeen);
            now.lastSeen = Math.max(now.lastSeen, d.lastSeen);
          }
        }
        this.logger.warn(`writing serving statistics failed, will retry: ${String(error)}`);
      }
    });
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
