import { parseArgs } from 'node:util';
import { writeMnistArtifacts } from './mnist-artifacts';
import { loadMnistSplit } from './mnist-dataset';
import { DEFAULT_TRAIN_OPTIONS, accuracy, trainMlp } from './sgd-trainer';

// CLI: trains the MNIST classifier and writes <out>/mnist/1/model.onnx and <out>/mnist/config.json.
const USAGE =
  'usage: node tools/mnist-trainer/run.cjs [--out models] [--epochs 15] [--seed 42] [--hidden 64]';

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} must be a non-negative integer, got '${raw}'\n${USAGE}`);
  return value;
}

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string', default: 'models' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      hidden: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const options = {
    ...DEFAULT_TRAIN_OPTIONS,
    epochs: positiveInt('epochs', values.epochs, DEFAULT_TRAIN_OPTIONS.epochs),
    seed: positiveInt('seed', values.seed, DEFAULT_TRAIN_OPTIONS.seed),
    hiddenSize: positiveInt('hidden', values.hidden, DEFAULT_TRAIN_OPTIONS.hiddenSize),
  };

  const { train, test } = loadMnistSplit();
  console.log(`mnist: ${train.count} training / ${test.count} held-out digits; ${JSON.stringify(options)}`);
  const started = performance.now();
  const model = trainMlp(train, options, ({ epoch, meanLoss }) =>
    console.log(`epoch ${epoch}: mean loss ${meanLoss.toFixed(4)}`),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `trained in ${seconds.toFixed(2)} s; held-out accuracy ${(accuracy(model, test) * 100).toFixed(2)}%`,
  );

  const { modelPath, configPath, modelBytes } = writeMnistArtifacts(values.out, model);
  console.log(`wrote ${modelPath} (${(modelBytes / 1024).toFixed(1)} KiB) and ${configPath}`);
}

main(process.argv.slice(2));
