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

  it("publishes each serving's last spool level at a scrape, the total depth too, per serving name", async () => {
    const metrics = new MetricsService();
    const observer = metrics.spoolObserver();
    observer.level!({ servingId: 1, servingName: 'mnist' }, 10, 1000);
    observer.level!({ servingId: 1, servingName: 'mnist' }, 7, 700);
    observer.level!({ servingId: 2, servingName: 'echo' }, 3, 300);
    const depth = (labels: string) => value(metrics, 'inference_log_spool_queue_depth', labels);
    expect(await depth('serving_id="1",serving="mnist"')).toBe(7);
    expect(await depth('serving_id="2",serving="echo"')).toBe(3);
    expect(await value(metrics, 'inference_log_spool_bytes', 'serving_id="1",serving="mnist"')).toBe(700);
    const total = async () =>
      Number((await metrics.registry.getSingleMetricAsString('inference_log_queue_depth')).split(' ').pop());
    expect(await total()).toBe(10);
    // A level after the scrape shows at the next one; a renamed serving keeps the old name's last level.
    observer.level!({ servingId: 1, servingName: 'mnist' }, 5, 500);
    observer.level!({ servingId: 1, servingName: 'digits' }, 4, 400);
    expect(await depth('serving_id="1",serving="mnist"')).toBe(5);
    expect(await depth('serving_id="1",serving="digits"')).toBe(4);
    expect(await total()).toBe(7);
  });
});
