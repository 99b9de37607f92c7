import type { InferenceLogEntry, InferenceLogSink } from './inference-log.sink';
import { LogPipeline, type LogPipelineOptions } from './log-pipeline';

const entry = (n: number): InferenceLogEntry => ({
  destination: { servingId: 1, servingName: 'mnist', topic: 't' },
  record: {
    modelId: 1,
    modelName: 'mnist',
    modelVersion: 1,
    requestTimestamp: n,
    responseHttpCode: 200,
    inferenceRequest: `req${n}`,
    inferenceResponse: `res${n}`,
  },
});

class RecordingSink implements InferenceLogSink {
  readonly name = 'recording';
  readonly batches: InferenceLogEntry[][] = [];
  failuresLeft = 0;
  async write(batch: readonly InferenceLogEntry[]): Promise<void> {
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('broker down');
    }
    this.batches.push([...batch]);
  }
  async health() {
    return { state: 'up' as const };
  }
  async close() {}
}

const options: LogPipelineOptions = {
  capacity: 100,
  batchSize: 10,
  lingerMs: 5,
  retryMinMs: 1,
  retryMaxMs: 4,
};
const quiet = { log: () => undefined, warn: () => undefined };

describe('LogPipeline', () => {
  it('delivers every record in order, in batches no larger than batchSize', async () => {
    const sink = new RecordingSink();
    const pipeline = new LogPipeline(sink, options, {}, quiet);
    for (let i = 0; i < 35; i++) expect(pipeline.enqueue(entry(i))).toBe(true);
    await pipeline.drained();
    const delivered = sink.batches.flat().map((e) => e.record.requestTimestamp);
    expect(delivered).toEqual([...Array(35).keys()]);
    expect(Math.max(...sink.batches.map((b) => b.length))).toBeLessThanOrEqual(10);
    expect(pipeline.snapshot()).toMatchObject({ queued: 35, sent: 35, dropped: 0, depth: 0 });
  });

  it('lingers to batch a trickle instead of writing one record per call', async () => {
    const sink = new RecordingSink();
    const pipeline = new LogPipeline(sink, { ...options, lingerMs: 50 }, {}, quiet);
    pipeline.enqueue(entry(1));
    pipeline.enqueue(entry(2));
    pipeline.enqueue(entry(3));
    await pipeline.drained();
    expect(sink.batches).toHaveLength(1);
  });

  it('retries a failing sink without losing or reordering records, and counts the failures', async () => {
    const sink = new RecordingSink();
    sink.failuresLeft = 3;
    const failed: number[] = [];
    const pipeline = new LogPipeline(sink, options, { failed: (n) => failed.push(n) }, quiet);
    for (let i = 0; i < 5; i++) pipeline.enqueue(entry(i));
    await pipeline.drained();
    expect(sink.batches.flat().map((e) => e.record.requestTimestamp)).toEqual([0, 1, 2, 3, 4]);
    expect(failed).toEqual([5, 5, 5]);
    expect(pipeline.snapshot().failedAttempts).toBe(15);
  });

  it('drops and counts records beyond capacity instead of growing without bound', async () => {
    const sink = new RecordingSink();
    sink.failuresLeft = 1_000_000;
    const dropped: number[] = [];
    const pipeline = new LogPipeline(
      sink,
      { ...options, capacity: 20 },
      { dropped: (n) => dropped.push(n) },
      quiet,
    );
    const accepted = Array.from({ length: 25 }, (_, i) => pipeline.enqueue(entry(i)));
    expect(accepted.filter(Boolean)).toHaveLength(20);
    expect(dropped).toHaveLength(5);
    expect(pipeline.snapshot()).toMatchObject({ dropped: 5, depth: 20 });
    sink.failuresLeft = 0;
    await pipeline.drained();
    expect(sink.batches.flat()).toHaveLength(20);
    await pipeline.close();
  });

  it('flushes what is queued on close and refuses records afterwards', async () => {
    const sink = new RecordingSink();
    const pipeline = new LogPipeline(sink, { ...options, lingerMs: 10_000 }, {}, quiet);
    pipeline.enqueue(entry(1));
    await pipeline.close();
    expect(sink.batches.flat()).toHaveLength(1);
    expect(pipeline.enqueue(entry(2))).toBe(false);
  });
});
