import { attr, encodeModel } from '@infergate/onnx-writer';
import { type MlpClassifier } from './mlp-classifier';

/** Graph tensor names; serving-config.ts maps the REST aliases onto these. */
export const MNIST_TENSORS = { images: 'images', scores: 'scores', classes: 'classes' } as const;

/**
 * The classifier as ONNX: images[batch, 784] -> MatMul/Add/Relu -> MatMul/Add -> Softmax = scores,
 * and ArgMax(scores, keepdims=0) = classes (int64), the two outputs the serving signatures expose.
 */
export function buildMnistOnnx(model: MlpClassifier): Uint8Array {
  const { inputSize, hiddenSize, classCount, w1, b1, w2, b2 } = model.weights;
  return encodeModel({
    producerName: '@infergate/mnist-trainer',
    opsetImports: [{ domain: '', version: 13 }],
    graph: {
      name: 'mnist_mlp',
      inputs: [{ name: MNIST_TENSORS.images, elemType: 'FLOAT', shape: ['batch', inputSize] }],
      outputs: [
        { name: MNIST_TENSORS.scores, elemType: 'FLOAT', shape: ['batch', classCount] },
        { name: MNIST_TENSORS.classes, elemType: 'INT64', shape: ['batch'] },
      ],
      initializers: [
        { name: 'w1', elemType: 'FLOAT', dims: [inputSize, hiddenSize], values: w1 },
        { name: 'b1', elemType: 'FLOAT', dims: [hiddenSize], values: b1 },
        { name: 'w2', elemType: 'FLOAT', dims: [hiddenSize, classCount], values: w2 },
        { name: 'b2', elemType: 'FLOAT', dims: [classCount], values: b2 },
      ],
      nodes: [
        { opType: 'MatMul', inputs: [MNIST_TENSORS.images, 'w1'], outputs: ['h_mm'] },
        { opType: 'Add', inputs: ['h_mm', 'b1'], outputs: ['h_pre'] },
        { opType: 'Relu', inputs: ['h_pre'], outputs: ['h'] },
        { opType: 'MatMul', inputs: ['h', 'w2'], outputs: ['logits_mm'] },
        { opType: 'Add', inputs: ['logits_mm', 'b2'], outputs: ['logits'] },
        {
          opType: 'Softmax',
          inputs: ['logits'],
          outputs: [MNIST_TENSORS.scores],
          attributes: { axis: attr.int(1) },
        },
        {
          opType: 'ArgMax',
          inputs: [MNIST_TENSORS.scores],
          outputs: [MNIST_TENSORS.classes],
          attributes: { axis: attr.int(1), keepdims: attr.int(0) },
        },
      ],
    },
  });
}
