import { type TfDtype } from '../tensor/tf-dtype';

export type SignatureMethod = 'predict' | 'classify' | 'regress';

/** One tensor a signature exposes: its REST alias, the ONNX graph name behind it and what the graph declares. */
export interface TensorSpec {
  readonly alias: string;
  readonly onnxName: string;
  readonly dtype: TfDtype;
  /** Declared dims, -1 where unknown or symbolic; null when the rank itself is unknown. */
  readonly shape: readonly number[] | null;
}

/** A TF-Serving SignatureDef over an ONNX graph. Inputs and outputs are sorted by alias, as TF's maps iterate. */
export interface Signature {
  readonly name: string;
  readonly method: SignatureMethod;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

export const DEFAULT_SIGNATURE = 'serving_default';

export const METHOD_NAMES: Record<SignatureMethod, string> = {
  predict: 'tensorflow/serving/predict',
  classify: 'tensorflow/serving/classify',
  regress: 'tensorflow/serving/regress',
};
