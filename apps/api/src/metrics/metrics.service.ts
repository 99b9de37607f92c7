import { Injectable } from '@nestjs/common';
import type { LogPipelineObserver } from '@infergate/inference-log-sinks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of this process; one registry per app instance so tests do not share counters. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly backendDuration = new Histogram({
    name: 'backend_request_duration_seconds',
    help: 'Backend call latency by backend kind and outcome (HTTP status class or error code)',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly logRecords = new Counter({
    name: 'inference_log_records_total',
    help: 'Inference log records by event: queued, sent (acknowledged by the sink), failed (delivery attempts), dropped',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });
  readonly logQueueDepth = new Gauge({
    name: 'inference_log_queue_depth',
    help: 'Inference log records waiting in memory',
    registers: [this.registry],
  });
  readonly logDelivery = new Histogram({
    name: 'inference_log_delivery_seconds',
    help: 'Time from enqueue to acknowledgement by the sink',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 120],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
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
}
