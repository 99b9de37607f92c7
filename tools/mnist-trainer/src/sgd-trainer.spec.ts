import { loadMnistSplit } from './mnist-dataset';
import { DEFAULT_TRAIN_OPTIONS, accuracy, trainMlp } from './sgd-trainer';

describe('trainMlp', () => {
  it('reaches >= 90% held-out accuracy with the production settings', () => {
    const { train, test } = loadMnistSplit();
    expect(test.count).toBeGreaterThan(1000);
    const model = trainMlp(train, DEFAULT_TRAIN_OPTIONS);
    expect(accuracy(model, test)).toBeGreaterThanOrEqual(0.9);
  });

  it('is deterministic: the same seed gives bit-identical weights, another seed different ones', () => {
    const { train } = loadMnistSplit(0.8, 40);
    const tiny = { ...DEFAULT_TRAIN_OPTIONS, hiddenSize: 8, epochs: 2, seed: 123 };
    const a = trainMlp(train, tiny).weights;
    const b = trainMlp(train, tiny).weights;
    const c = trainMlp(train, { ...tiny, seed: 124 }).weights;
    for (const key of ['w1', 'b1', 'w2', 'b2'] as const) expect(b[key]).toEqual(a[key]);
    expect(c.w1).not.toEqual(a.w1);
  });
});
