import type { Metric, Registry } from 'prom-client';

/** One label set's counts: observe() is a bucket search and three additions. */
export class HistogramSeries {
  /** Per bucket (non-cumulative), the last slot for values above every bound (+Inf). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }
}

interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/**
 * A Prometheus histogram for the request path, registered in a prom-client Registry beside prom-client's
 * own metrics and exposed in the same text. prom-client's observe() validates and hashes the label set and
 * builds a closure per call (with the matching counter's inc(), ~3% of the gateway's CPU per request); here
 * the caller resolves its series once by a key of its own (a Map lookup per request) and observes on it.
 * `counter` also exposes every series' count as a counter family (the request total by the same labels).
 */
export class SeriesHistogram {
  private readonly series = new Map<string, HistogramSeries>();

  constructor(
    private readonly options: {
      readonly name: string;
      readonly help: string;
      readonly buckets: readonly number[];
      readonly registry: Registry;
      readonly counter?: { readonly name: string; readonly help: string };
    },
  ) {
    options.registry.registerMetric(this.family('histogram', options.name, options.help));
    if (options.counter)
      options.registry.registerMetric(this.family('counter', options.counter.name, options.counter.help));
  }

  /** The series for `key`, made from `labels()` the first time (labels() is not called again). */
  seriesFor(key: string, labels: () => Record<string, string>): HistogramSeries {
    let series = this.series.get(key);
    if (!series) this.series.set(key, (series = new HistogramSeries(labels(), this.options.buckets)));
    return series;
  }

  private family(type: 'histogram' | 'counter', name: string, help: string): Metric {
    const metric = {
      name,
      help,
      type,
      aggregator: 'sum',
      get: async () => ({ name, help, type, aggregator: 'sum', values: this.values(type, name) }),
      reset: () => this.series.clear(),
    };
    return metric as unknown as Metric;
  }

  private values(type: 'histogram' | 'counter', name: string): MetricValue[] {
    const values: MetricValue[] = [];
    for (const series of this.series.values()) {
      if (type === 'counter') {
        values.push({ value: series.count, labels: { ...series.labels } });
        continue;
      }
      let cumulative = 0;
      const { buckets } = this.options;
      for (let i = 0; i <= buckets.length; i++) {
        cumulative += series.counts[i];
        values.push({
          value: cumulative,
          labels: { le: i < buckets.length ? buckets[i] : '+Inf', ...series.labels },
          metricName: `${name}_bucket`,
        });
      }
      values.push({ value: series.sum, labels: { ...series.labels }, metricName: `${name}_sum` });
      values.push({ value: series.count, labels: { ...series.labels }, metricName: `${name}_count` });
    }
    return values;
  }
}
