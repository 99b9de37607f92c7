import { Counter, Histogram, Registry } from 'prom-client';
import { SeriesHistogram } from './series-histogram';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

describe('SeriesHistogram', () => {
  it("exposes the same text as prom-client's Histogram and Counter for the same observations", async () => {
    const theirs = new Registry();
    const histogram = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'latency',
      labelNames: ['method', 'route', 'status'],
      buckets: BUCKETS,
      registers: [theirs],
    });
    const counter = new Counter({
      name: 'http_requests_total',
      help: 'requests',
      labelNames: ['method', 'route', 'status'],
      registers: [theirs],
    });
    const ours = new Registry();
    const series = new SeriesHistogram({
      name: 'http_request_duration_seconds',
      help: 'latency',
      buckets: BUCKETS,
      registry: ours,
      counter: { name: 'http_requests_total', help: 'requests' },
    });
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const routes = ['/a', '/b/:id', 'unmatched'];
    for (let i = 0; i < 5000; i++) {
      const labels = {
        method: random() < 0.5 ? 'GET' : 'POST',
        route: routes[Math.floor(random() * routes.length)],
        status: String([200, 404, 500][Math.floor(random() * 3)]),
      };
      // Values on and around the bounds, and beyond the last one.
      const value = random() < 0.2 ? BUCKETS[Math.floor(random() * BUCKETS.length)] : random() ** 4 * 40;
      histogram.observe(labels, value);
      counter.inc(labels);
      series
        .seriesFor(`${labels.method} ${labels.status} ${labels.route}`, () => ({ ...labels }))
        .observe(value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('calls labels() once per key and starts again after a reset', async () => {
    const registry = new Registry();
    const series = new SeriesHistogram({ name: 'x_seconds', help: 'x', buckets: [1], registry });
    const labels = jest.fn(() => ({ kind: 'K' }));
    series.seriesFor('K', labels).observe(0.5);
    series.seriesFor('K', labels).observe(3);
    expect(labels).toHaveBeenCalledTimes(1);
    expect(await registry.metrics()).toContain('x_seconds_bucket{le="1",kind="K"} 1');
    expect(await registry.metrics()).toContain('x_seconds_bucket{le="+Inf",kind="K"} 2');
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('kind="K"');
  });
});
