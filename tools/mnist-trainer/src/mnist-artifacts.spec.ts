import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { type MlpClassifier, argmax } from './mlp-classifier';
import { type MnistArtifacts, writeMnistArtifacts } from './mnist-artifacts';
import { CLASS_COUNT, type DigitSet, IMAGE_SIZE, loadMnistSplit } from './mnist-dataset';
import { DEFAULT_TRAIN_OPTIONS, trainMlp } from './sgd-trainer';

describe('writeMnistArtifacts', () => {
  let outRoot: string;
  let model: MlpClassifier;
  let test: DigitSet;
  let written: MnistArtifacts;
  beforeAll(() => {
    outRoot = mkdtempSync(join(tmpdir(), 'mnist-artifacts-'));
    const split = loadMnistSplit();
    test = split.test;
    // A short run is enough here: parity does not depend on how well the model is trained.
    model = trainMlp(split.train, { ...DEFAULT_TRAIN_OPTIONS, epochs: 2 });
    written = writeMnistArtifacts(outRoot, model);
  });
  afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

  it('writes an ONNX model whose scores and classes match the trainer forward pass', async () => {
    const { modelPath, modelBytes } = written;
    expect(modelBytes).toBeLessThan(1024 * 1024);

    const batch = 64;
    const images = test.images.slice(0, batch * IMAGE_SIZE);
    const expected = model.predictScores(images, batch);
    const session = await ort.InferenceSession.create(modelPath);
    try {
      expect(session.inputMetadata[0]).toMatchObject({
        name: 'images',
        type: 'float32',
        shape: ['batch', IMAGE_SIZE],
      });
      const { scores, classes } = await session.run({
        images: new ort.Tensor('float32', images, [batch, IMAGE_SIZE]),
      });
      expect(scores.dims).toEqual([batch, CLASS_COUNT]);
      expect(classes.dims).toEqual([batch]);
      expect(classes.type).toBe('int64');
      const got = scores.data as Float32Array;
      let maxDiff = 0;
      for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - expected[i]));
      expect(maxDiff).toBeLessThan(1e-5);
      const classData = classes.data as BigInt64Array;
      for (let row = 0; row < batch; row++) {
        const rowScores = got.subarray(row * CLASS_COUNT, (row + 1) * CLASS_COUNT);
        expect(rowScores.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
        expect(Number(classData[row])).toBe(argmax(got, row * CLASS_COUNT, CLASS_COUNT));
      }
    } finally {
      await session.release();
    }
  });

  it('declares the predict_images and serving_default signatures', () => {
    const config = JSON.parse(readFileSync(written.configPath, 'utf8'));
    expect(written.configPath).toBe(join(outRoot, 'mnist', 'config.json'));
    expect(config).toEqual({
      signatures: {
        predict_images: { method: 'predict', inputs: { images: 'images' }, outputs: { scores: 'scores' } },
        serving_default: { method: 'predict', inputs: { images: 'images' }, outputs: { classes: 'classes' } },
      },
      labels: {},
    });
  });
});
