import { MNIST_TENSORS } from './mnist-onnx-model';

/**
 * The model server's per-model config.json: signature name -> method and alias maps (alias exposed over
 * REST -> ONNX graph tensor name). Two signatures mirror TF Serving's MNIST example: `predict_images`
 * returns the probabilities, `serving_default` the predicted class.
 */
export const MNIST_SERVING_CONFIG = {
  signatures: {
    predict_images: {
      method: 'predict',
      inputs: { images: MNIST_TENSORS.images },
      outputs: { scores: MNIST_TENSORS.scores },
    },
    serving_default: {
      method: 'predict',
      inputs: { images: MNIST_TENSORS.images },
      outputs: { classes: MNIST_TENSORS.classes },
    },
  },
  labels: {},
} as const;
