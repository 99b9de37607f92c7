import { type SeededRandom } from './seeded-random';

/**
 * Weights of a one-hidden-layer perceptron, laid out exactly as the ONNX graph consumes them:
 * w1 is row-major [inputSize, hiddenSize] and w2 [hiddenSize, classCount], so `images @ w1` needs no
 * transpose and the export is a straight copy.
 */
export interface MlpWeights {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly classCount: number;
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  readonly w2: Float32Array;
  readonly b2: Float32Array;
}

/**
 * The digit classifier: input -> Dense(hidden) -> ReLU -> Dense(classes) -> softmax. Weights are float32
 * like the exported model; sums are accumulated in float64 and rounded where ONNX Runtime holds float32
 * intermediates, so this forward pass and the runtime's agree to ~1e-6.
 */
export class MlpClassifier {
  // Scratch rows reused across samples, so the per-sample loops allocate nothing.
  private readonly preActivation: Float64Array;
  private readonly hidden: Float32Array;
  private readonly logits: Float64Array;

  constructor(readonly weights: MlpWeights) {
    this.preActivation = new Float64Array(weights.hiddenSize);
    this.hidden = new Float32Array(weights.hiddenSize);
    this.logits = new Float64Array(weights.classCount);
  }

  /** He-normal weights (suits ReLU), zero biases. */
  static initialise(
    inputSize: number,
    hiddenSize: number,
    classCount: number,
    rng: SeededRandom,
  ): MlpClassifier {
    const normal = (count: number, fanIn: number): Float32Array => {
      const scale = Math.sqrt(2 / fanIn);
      return Float32Array.from({ length: count }, () => rng.normal() * scale);
    };
    return new MlpClassifier({
      inputSize,
      hiddenSize,
      classCount,
      w1: normal(inputSize * hiddenSize, inputSize),
      b1: new Float32Array(hiddenSize),
      w2: normal(hiddenSize * classCount, hiddenSize),
      b2: new Float32Array(classCount),
    });
  }

  /**
   * Forward pass for the sample at `images[offset .. offset + inputSize)`: writes ReLU activations into
   * `hidden` and class probabilities into `probs[probsOffset ..]`. Training reuses it for backprop.
   */
  forwardInto(
    images: Float32Array,
    offset: number,
    hidden: Float32Array,
    probs: Float32Array | Float64Array,
    probsOffset = 0,
  ): void {
    const { inputSize, hiddenSize: H, classCount: C, w1, b1, w2, b2 } = this.weights;
    const pre = this.preActivation;
    pre.fill(0);
    for (let k = 0; k < inputSize; k++) {
      const x = images[offset + k];
      if (x === 0) continue; // most MNIST pixels are blank; skipping them is the main speed-up
      const row = k * H;
      for (let j = 0; j < H; j++) pre[j] += x * w1[row + j];
    }
    for (let j = 0; j < H; j++) {
      // MatMul then Add both round to float32 in the runtime; mirror that before the ReLU.
      const v = Math.fround(Math.fround(pre[j]) + b1[j]);
      hidden[j] = v > 0 ? v : 0;
    }
    const logits = this.logits;
    logits.fill(0);
    for (let j = 0; j < H; j++) {
      const h = hidden[j];
      if (h === 0) continue;
      const row = j * C;
      for (let c = 0; c < C; c++) logits[c] += h * w2[row + c];
    }
    let max = -Infinity;
    for (let c = 0; c < C; c++) {
      logits[c] = Math.fround(Math.fround(logits[c]) + b2[c]);
      if (logits[c] > max) max = logits[c];
    }
    let sum = 0;
    for (let c = 0; c < C; c++) sum += logits[c] = Math.exp(logits[c] - max);
    for (let c = 0; c < C; c++) probs[probsOffset + c] = logits[c] / sum;
  }

  /** Class probabilities for `count` images, row-major [count, classCount]. */
  predictScores(images: Float32Array, count: number): Float32Array {
    const { inputSize, classCount } = this.weights;
    const scores = new Float32Array(count * classCount);
    for (let i = 0; i < count; i++)
      this.forwardInto(images, i * inputSize, this.hidden, scores, i * classCount);
    return scores;
  }

  /** Most probable class per image (first on ties, like ONNX ArgMax). */
  predictClasses(images: Float32Array, count: number): Uint8Array {
    const { classCount } = this.weights;
    const scores = this.predictScores(images, count);
    return Uint8Array.from({ length: count }, (_, i) => argmax(scores, i * classCount, classCount));
  }
}

export function argmax(values: ArrayLike<number>, offset: number, length: number): number {
  let best = 0;
  for (let c = 1; c < length; c++) if (values[offset + c] > values[offset + best]) best = c;
  return best;
}
