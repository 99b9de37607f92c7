import { MlpClassifier } from './mlp-classifier';
import { CLASS_COUNT, type DigitSet, IMAGE_SIZE } from './mnist-dataset';
import { SeededRandom } from './seeded-random';

export interface TrainOptions {
  readonly hiddenSize: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Seeds weight init and the per-epoch shuffle; same seed and data give bit-identical weights. */
  readonly seed: number;
}

/** Production settings: clear 90% held-out accuracy with margin in a few seconds on 2 cores. */
export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  hiddenSize: 64,
  epochs: 15,
  batchSize: 32,
  learningRate: 0.1,
  seed: 42,
};

export type EpochReport = { readonly epoch: number; readonly meanLoss: number };

/**
 * Mini-batch SGD on softmax cross-entropy. The learning rate halves over the run (linear decay to 50%)
 * so late epochs settle instead of bouncing between batches.
 */
export function trainMlp(
  train: DigitSet,
  options: TrainOptions,
  onEpoch?: (report: EpochReport) => void,
): MlpClassifier {
  const rng = new SeededRandom(options.seed);
  const model = MlpClassifier.initialise(IMAGE_SIZE, options.hiddenSize, CLASS_COUNT, rng);
  const { w1, b1, w2, b2 } = model.weights;
  const H = options.hiddenSize;
  const C = CLASS_COUNT;

  const gw1 = new Float64Array(w1.length);
  const gb1 = new Float64Array(H);
  const gw2 = new Float64Array(w2.length);
  const gb2 = new Float64Array(C);
  const hidden = new Float32Array(H);
  const probs = new Float64Array(C);
  const dHidden = new Float64Array(H);
  const order = Uint32Array.from({ length: train.count }, (_, i) => i);

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    rng.shuffle(order);
    const lr = options.learningRate * (1 - (0.5 * epoch) / Math.max(1, options.epochs - 1));
    let lossSum = 0;
    for (let start = 0; start < train.count; start += options.batchSize) {
      const end = Math.min(start + options.batchSize, train.count);
      gw1.fill(0);
      gb1.fill(0);
      gw2.fill(0);
      gb2.fill(0);
      for (let b = start; b < end; b++) {
        const sample = order[b];
        const offset = sample * IMAGE_SIZE;
        const label = train.labels[sample];
        model.forwardInto(train.images, offset, hidden, probs);
        lossSum -= Math.log(Math.max(probs[label], 1e-12));
        // d(loss)/d(logits) = probs - onehot(label); reuse `probs` for it.
        probs[label] -= 1;
        dHidden.fill(0);
        for (let j = 0; j < H; j++) {
          const h = hidden[j];
          if (h === 0) continue; // ReLU passes no gradient where it was inactive
          const row = j * C;
          let dh = 0;
          for (let c = 0; c < C; c++) {
            gw2[row + c] += h * probs[c];
            dh += w2[row + c] * probs[c];
          }
          dHidden[j] = dh;
          gb1[j] += dh;
        }
        for (let c = 0; c < C; c++) gb2[c] += probs[c];
        for (let k = 0; k < IMAGE_SIZE; k++) {
          const x = train.images[offset + k];
          if (x === 0) continue;
          const row = k * H;
          for (let j = 0; j < H; j++) gw1[row + j] += x * dHidden[j];
        }
      }
      const step = lr / (end - start);
      for (let i = 0; i < w1.length; i++) w1[i] -= step * gw1[i];
      for (let i = 0; i < H; i++) b1[i] -= step * gb1[i];
      for (let i = 0; i < w2.length; i++) w2[i] -= step * gw2[i];
      for (let i = 0; i < C; i++) b2[i] -= step * gb2[i];
    }
    onEpoch?.({ epoch: epoch + 1, meanLoss: lossSum / train.count });
  }
  return model;
}

/** Fraction of `set` the model classifies correctly. */
export function accuracy(model: MlpClassifier, set: DigitSet): number {
  const predicted = model.predictClasses(set.images, set.count);
  let correct = 0;
  for (let i = 0; i < set.count; i++) if (predicted[i] === set.labels[i]) correct++;
  return correct / set.count;
}
