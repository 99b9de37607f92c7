import { Injectable } from '@nestjs/common';
import type { LogPipelineObserver, ServingRef, SpoolObserver } from '@infergate/inference-log-sinks';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { SeriesHistogram, type HistogramSeries } from './series-histogram';

/** Prometheus metrics of this process; one registry per app instance so tests do not share counters. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  /**
   * Records spooled since the last scrape, per serving. `spooled` runs once per inference request, and
   * prom-client builds and hashes a label set on every inc(); the request path adds to a number here
   * instead and a scrape (the counters' collect()) moves the totals into the two counters.
   */
  private readonly spooledSinceScrape = new Map<
    number,
    { readonly labels: { serving_id: string; serving: string }; count: number }
  >();

  /**
   * http_request_duration_seconds and http_requests_total by method, route and status; backend call
   * latency by backend kind and outcome. Both are observed on every inference request, so they are
   * SeriesHistograms (a series looked up by a string key) rather than prom-client's label-hashing ones.
   */
  readonly http = new SeriesHistogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registry: this.registry,
    counter: { name: 'http_requests_total', help: 'HTTP requests by method, route and status' },
  });
  /** One HTTP request answered, under its route pattern (bounded label values, not the raw URL). */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpSeries(method, route, status).observe(seconds);
  }

  /** The request histogram's series for one method, route and status (callers may keep it). */
  httpSeries(method: string, route: string, status: number): HistogramSeries {
    return this.http.seriesFor(`${method} ${status} ${route}`, () => ({
      method,
      route,
      status: String(status),
    }));
  }

  readonly backendDuration = new SeriesHistogram({
    name: 'backend_request_duration_seconds',
    help: 'Backend call latency by backend kind and outcome (HTTP status class or error code)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registry: this.registry,
  });
  readonly logRecords = new Counter({
    name: 'inference_log_records_total',
    help: 'Inference log records by event: queued, sent (acknowledged by the sink), failed (delivery attempts), dropped',
    labelNames: ['event'] as const,
    registers: [this.registry],
    collect: () => this.moveSpooledCounts(),
  });
  readonly logQueueDepth = new Gauge({
    name: 'inference_log_queue_depth',
    help: 'Inference log records waiting in memory',
    registers: [this.registry],
    collect: () => this.publishSpoolLevels(),
  });
  // Observed once per record: SeriesHistograms too, and this one has a single, unlabelled series.
  private readonly logDelivery = new SeriesHistogram({
    name: 'inference_log_delivery_seconds',
    help: 'Time from enqueue to acknowledgement by the sink',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 120],
    registry: this.registry,
  }).seriesFor('', () => ({}));

  readonly spoolRecords = new Counter({
    name: 'inference_log_spool_records_total',
    help:
      'Inference log records per serving through the durable spool, by event: spooled (accepted), produced ' +
      '(sent to Kafka, retries included), acknowledged, failed (produce attempts), replayed (acknowledged ' +
      'after a restart), dropped (see inference_log_spool_dropped_total)',
    labelNames: ['serving_id', 'serving', 'event'] as const,
    registers: [this.registry],
    collect: () => this.moveSpooledCounts(),
  });

  readonly spoolDropped = new Counter({
    name: 'inference_log_spool_dropped_total',
    help: 'Inference log records given up per serving, by reason: cap (spool full), rejected (refused by Kafka), io (disk error), closed',
    labelNames: ['serving_id', 'serving', 'reason'] as const,
    registers: [this.registry],
  });

  readonly spoolCorrupt = new Counter({
    name: 'inference_log_spool_corrupt_regions_total',
    help: 'Damaged spool regions (checksum mismatch or torn tail after a crash) skipped per serving',
    labelNames: ['serving_id', 'serving'] as const,
    registers: [this.registry],
  });

  readonly spoolDepth = new Gauge({
    name: 'inference_log_spool_queue_depth',
    help: 'Inference log records per serving accepted and not yet acknowledged by Kafka (memory buffer + spool)',
    labelNames: ['serving_id', 'serving'] as const,
    registers: [this.registry],
    collect: () => this.publishSpoolLevels(),
  });

  readonly spoolBytes = new Gauge({
    name: 'inference_log_spool_bytes',
    help: 'Bytes per serving held by the spool (segment files + memory buffer)',
    labelNames: ['serving_id', 'serving'] as const,
    registers: [this.registry],
    collect: () => this.publishSpoolLevels(),
  });

  /**
   * Each serving's last spool level (depth, bytes), set into the three gauges by a scrape (their
   * collect()): the spool reports a level after every flush and every acknowledgement, 100-200 times a
   * second under load, and prom-client hashes a label set on every set().
   */
  private readonly spoolLevels = new Map<
    number,
    { labels: { serving_id: string; serving: string }; depth: number; bytes: number }
  >();

  private readonly spoolDelivery = new SeriesHistogram({
    name: 'inference_log_spool_delivery_seconds',
    help: 'Per serving, time from acceptance of a record to its acknowledgement by Kafka',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
    registry: this.registry,
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  private publishSpoolLevels(): void {
    if (this.spoolLevels.size === 0) return;
    let total = 0;
    for (const level of this.spoolLevels.values()) {
      this.spoolDepth.set(level.labels, level.depth);
      this.spoolBytes.set(level.labels, level.bytes);
      total += level.depth;
    }
    this.logQueueDepth.set(total);
  }

  private moveSpooledCounts(): void {
    for (const pending of this.spooledSinceScrape.values()) {
      if (pending.count === 0) continue;
      this.spoolRecords.inc({ ...pending.labels, event: 'spooled' }, pending.count);
      this.logRecords.inc({ event: 'queued' }, pending.count);
      pending.count = 0;
    }
  }

  logPipelineObserver(): LogPipelineObserver {
    let depth = 0;
    return {
      queued: (n) => {
        this.logRecords.inc({ event: 'queued' }, n);
        this.logQueueDepth.set((depth += n));
      },
      sent: (n, latencies) => {
        this.logRecords.inc({ event: 'sent' }, n);
        this.logQueueDepth.set((depth -= n));
        for (const ms of latencies) this.logDelivery.observe(ms / 1000);
      },
      failed: (n) => this.logRecords.inc({ event: 'failed' }, n),
      dropped: (n) => this.logRecords.inc({ event: 'dropped' }, n),
    };
  }

  /** Per-serving spool metrics; also feeds the global inference_log_* series the file pipeline uses. */
  spoolObserver(): SpoolObserver {
    const labels = (s: ServingRef) => ({ serving_id: String(s.servingId), serving: s.servingName });
    return {
      spooled: (s, n) => {
        const pending = this.spooledSinceScrape.get(s.servingId);
        if (pending && pending.labels.serving === s.servingName) pending.count += n;
        else {
          if (pending) this.moveSpooledCounts(); // renamed serving: keep the old name's count apart
          this.spooledSinceScrape.set(s.servingId, { labels: labels(s), count: n });
        }
      },
      produced: (s, n) => this.spoolRecords.inc({ ...labels(s), event: 'produced' }, n),
      acknowledged: (s, latencies, replayed) => {
        const l = labels(s);
        this.spoolRecords.inc({ ...l, event: 'acknowledged' }, latencies.length);
        if (replayed) this.spoolRecords.inc({ ...l, event: 'replayed' }, latencies.length);
        this.logRecords.inc({ event: 'sent' }, latencies.length);
        const delivery = this.spoolDelivery.seriesFor(`${s.servingId} ${s.servingName}`, () => l);
        for (const ms of latencies) {
          delivery.observe(ms / 1000);
          this.logDelivery.observe(ms / 1000);
        }
      },
      failed: (s, n) => {
        this.spoolRecords.inc({ ...labels(s), event: 'failed' }, n);
        this.logRecords.inc({ event: 'failed' }, n);
      },
      dropped: (s, n, reason) => {
        this.spoolRecords.inc({ ...labels(s), event: 'dropped' }, n);
        this.spoolDropped.inc({ ...labels(s), reason }, n);
        this.logRecords.inc({ event: 'dropped' }, n);
      },
      corrupt: (s, regions) => this.spoolCorrupt.inc(labels(s), regions),
      level: (s, depth, bytes) => {
        const level = this.spoolLevels.get(s.servingId);
        if (level && level.labels.serving === s.servingName) {
          level.depth = depth;
          level.bytes = bytes;
          return;
        }
        // Renamed serving: the old name's series keeps its last level, as prom-client keeps any series.
        if (level) this.publishSpoolLevels();
        this.spoolLevels.set(s.servingId, { labels: labels(s), depth, bytes });
      },
    };
  }
}
