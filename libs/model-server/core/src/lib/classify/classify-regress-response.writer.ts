import { invalidArgument } from '../errors/serving-error';
import { formatFloat } from '../json/decimal-format';
import { PrettyJsonWriter } from '../json/pretty-json-writer';
import { type Signature } from '../repository/signature';
import { type OutputTensor } from '../tensor/predict-response.writer';

/**
 * TF Serving's classify answer, `{"results": [[[label, score], ...], ...]}`: one list per example, label ""
 * without a `classes` output, score 0 without a `scores` output (classifier.cc).
 */
export function writeClassifyResponse(
  signature: Signature,
  outputs: readonly OutputTensor[],
  batch: number,
): string {
  const classes = outputs.find((o) => o.alias === 'classes');
  const scores = outputs.find((o) => o.alias === 'scores');
  if (!classes && !scores) {
    throw invalidArgument(
      `Expected classification signature outputs to contain classes or scores: ${signature.name}`,
    );
  }
  const width = (t: OutputTensor | undefined): number => {
    if (!t) return -1;
    if (t.dims.length < 1 || t.dims.length > 2 || t.dims[0] !== batch) {
      throw invalidArgument(`Expected Tensor shape: [batch_size num_classes] but got [${t.dims.join(',')}]`);
    }
    return t.dims.length === 2 ? t.dims[1] : 1;
  };
  const nClasses = width(classes);
  const nScores = width(scores);
  if (nClasses >= 0 && nScores >= 0 && nClasses !== nScores) {
    throw invalidArgument(`Tensors class and score should match in dim[1]. Got ${nClasses} vs. ${nScores}`);
  }
  const n = Math.max(nClasses, nScores);
  const w = new PrettyJsonWriter();
  w.startObject();
  w.key('results');
  w.startArray();
  for (let b = 0; b < batch; b++) {
    w.singleLineArrays = true;
    w.startArray();
    for (let k = 0; k < n; k++) {
      w.startArray();
      w.string(classes ? String((classes.data as ArrayLike<unknown>)[b * n + k]) : '');
      w.raw(formatFloat(scores ? Math.fround(Number((scores.data as ArrayLike<number>)[b * n + k])) : 0));
      w.endArray();
    }
    w.endArray();
    w.singleLineArrays = false;
  }
  w.endArray();
  w.endObject();
  return w.toString();
}

/** TF Serving's regress answer, `{"results": [v, ...]}`, from the `outputs` output (or the only one). */
export function writeRegressResponse(
  signature: Signature,
  outputs: readonly OutputTensor[],
  batch: number,
): string {
  const out = outputs.find((o) => o.alias === 'outputs') ?? (outputs.length === 1 ? outputs[0] : undefined);
  if (!out) throw invalidArgument(`No regression outputs found in SignatureDef: ${signature.name}`);
  if (!(out.dims.length === 1 || (out.dims.length === 2 && out.dims[1] === 1)) || out.dims[0] !== batch) {
    throw invalidArgument(
      `Expected output Tensor shape to be either [batch_size] or [batch_size, 1] but got [${out.dims.join(',')}]`,
    );
  }
  const w = new PrettyJsonWriter();
  w.startObject();
  w.key('results');
  w.singleLineArrays = true;
  w.startArray();
  for (let b = 0; b < batch; b++) w.raw(formatFloat(Math.fround(Number((out.data as ArrayLike<number>)[b]))));
  w.endArray();
  w.endObject();
  return w.toString();
}
