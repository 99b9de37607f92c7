import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { ServingStatsRow } from './database';
import type { Db } from './store';
import { DATABASE } from './store.tokens';

/** Counts to add to one serving's statistics (a batch of consumed inference-log records). */
export interface ServingStatsDelta {
  readonly servingId: number;
  readonly modelName: string;
  readonly requests: number;
  /** Index 0 = 1xx … 4 = 5xx. */
  readonly statusClasses: readonly [number, number, number, number, number];
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

export interface ServingStats {
  readonly servingId: number;
  readonly modelName: string;
  readonly requests: number;
  readonly status: { '1xx': number; '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/** The serving_stats table (migration 002): additive upserts, one row per serving. */
@Injectable()
export class ServingStatsRepository {
  constructor(@Inject(DATABASE) private readonly db: Db) {}

  /** Adds each delta to its serving's row (insert or add), in one transaction. */
  async add(deltas: readonly ServingStatsDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const d of deltas) {
        const [s1, s2, s3, s4, s5] = d.statusClasses;
        await trx
          .insertInto('serving_stats')
          .values({
            serving_id: d.servingId,
            model_name: d.modelName,
            requests: d.requests,
            status_1xx: s1,
            status_2xx: s2,
            status_3xx: s3,
            status_4xx: s4,
            status_5xx: s5,
            request_bytes: d.requestBytes,
            response_bytes: d.responseBytes,
            first_seen: d.firstSeen,
            last_seen: d.lastSeen,
          })
          .onConflict((oc) =>
            oc.column('serving_id').doUpdateSet((eb) => ({
              model_name: eb.ref('excluded.model_name'),
              requests: sql`serving_stats.requests + excluded.requests`,
              status_1xx: sql`serving_stats.status_1xx + excluded.status_1xx`,
              status_2xx: sql`serving_stats.status_2xx + excluded.status_2xx`,
              status_3xx: sql`serving_stats.status_3xx + excluded.status_3xx`,
              status_4xx: sql`serving_stats.status_4xx + excluded.status_4xx`,
              status_5xx: sql`serving_stats.status_5xx + excluded.status_5xx`,
              request_bytes: sql`serving_stats.request_bytes + excluded.request_bytes`,
              response_bytes: sql`serving_stats.response_bytes + excluded.response_bytes`,
              first_seen: sql`case when excluded.first_seen < serving_stats.first_seen then excluded.first_seen else serving_stats.first_seen end`,
              last_seen: sql`case when excluded.last_seen > serving_stats.last_seen then excluded.last_seen else serving_stats.last_seen end`,
            })),
          )
          .execute();
      }
    });
  }

  async find(servingId: number): Promise<ServingStats | undefined> {
    const row = await this.db
      .selectFrom('serving_stats')
      .selectAll()
      .where('serving_id', '=', servingId)
      .executeTakeFirst();
    return row && toStats(row);
  }
}

function toStats(row: ServingStatsRow): ServingStats {
  // PostgreSQL returns bigint columns as strings; SQLite as numbers.
  const n = (v: number | string | bigint) => Number(v);
  return {
    servingId: row.serving_id,
    modelName: row.model_name,
    requests: n(row.requests),
    status: {
      '1xx': n(row.status_1xx),
      '2xx': n(row.status_2xx),
      '3xx': n(row.status_3xx),
      '4xx': n(row.status_4xx),
      '5xx': n(row.status_5xx),
    },
    requestBytes: n(row.request_bytes),
    responseBytes: n(row.response_bytes),
    firstSeen: n(row.first_seen),
    lastSeen: n(row.last_seen),
  };
}
