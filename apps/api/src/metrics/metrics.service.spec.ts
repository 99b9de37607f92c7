import { MetricsService } from './metrics.service';

describe('MetricsService spool counters', () => {
  const value = async (
    metrics: MetricsService,
    name: string,
    labels: string,
  ): Promise<number | undefined> => {
    const text = await metrics.registry.getSingleMetricAsString(name);
    const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };

  it('moves per-request spooled counts into the counters at each scrape, once, per serving name', async () => {
    const metrics = new MetricsService();
    const observer = metrics.spoolObserver();
    for (let i = 0; i < 3; i++) observer.spooled!({ servingId: 1, servingName: 'mnist' }, 1);
    observer.spooled!({ servingId: 2, servingName: 'echo' }, 2);

    const spooled = (id: number, name: string) =>
      value(
        metrics,
        'inference_log_spool_records_total',
        `serving_id="${id}",serving="${name}",event="spooled"`,
      );
    expect(await spooled(1, 'mnist')).toBe(3);
    expect(await spooled(2, 'echo')).toBe(2);
    expect(await value(metrics, 'inference_log_records_total', 'event="queued"')).toBe(5);
    // A second scrape adds nothing new; a renamed serving keeps both names' counts apart.
    observer.spooled!({ servingId: 1, servingName: 'mnist' }, 1);
    observer.spooled!({ servingId: 1, servingName: 'digits' }, 4);
    expect(await spooled(1, 'mnist')).toBe(4);
    expect(await spooled(1, 'digits')).toBe(4);
    expect(await value(metrics, 'inference_log_records_total', 'event="queued"')).toBe(10);
  });
});
