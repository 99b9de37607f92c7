import type { FastifyInstance } from 'fastify';
import type { MetricsService } from './metrics.service';

/**
 * Counts and times every request by its route pattern (not the raw URL: bounded label values), in
 * Fastify's onResponse hook, which also sees 404s and errors answered before any handler ran.
 */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    done();
  });
}
