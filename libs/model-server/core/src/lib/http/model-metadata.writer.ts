import { PrettyJsonWriter } from '../json/pretty-json-writer';
import { METHOD_NAMES, type Signature, type TensorSpec } from '../repository/signature';
import { tfDtypeEnumName } from '../tensor/tf-dtype';

/**
 * TF Serving's GetModelMetadata REST answer: model_spec plus the SignatureDefMap with proto field names
 * (TensorInfo dtype/tensor_shape/name, dim sizes as strings). TensorInfo names are the ONNX graph names.
 */
export function writeModelMetadata(
  model: string,
  version: number,
  signatures: ReadonlyMap<string, Signature>,
): string {
  const w = new PrettyJsonWriter();
  w.startObject();
  w.key('model_spec');
  w.startObject();
  w.key('name');
  w.string(model);
  w.key('signature_name');
  w.string('');
  w.key('version');
  w.string(String(version));
  w.endObject();
  w.key('metadata');
  w.startObject();
  w.key('signature_def');
  w.startObject();
  w.key('signature_def');
  w.startObject();
  for (const sig of [...signatures.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    w.key(sig.name);
    w.startObject();
    w.key('inputs');
    writeTensorMap(w, sig.inputs);
    w.key('outputs');
    writeTensorMap(w, sig.outputs);
    w.key('method_name');
    w.string(METHOD_NAMES[sig.method]);
    w.key('defaults');
    w.startObject();
    w.endObject();
    w.endObject();
  }
  w.endObject();
  w.endObject();
  w.endObject();
  w.endObject();
  return w.toString();
}

function writeTensorMap(w: PrettyJsonWriter, specs: readonly TensorSpec[]): void {
  w.startObject();
  for (const spec of specs) {
    w.key(spec.alias);
    w.startObject();
    w.key('dtype');
    w.string(tfDtypeEnumName(spec.dtype));
    w.key('tensor_shape');
    w.startObject();
    w.key('dim');
    w.startArray();
    for (const d of spec.shape ?? []) {
      w.startObject();
      w.key('size');
      w.string(String(d));
      w.key('name');
      w.string('');
      w.endObject();
    }
    w.endArray();
    w.key('unknown_rank');
    w.raw(spec.shape === null ? 'true' : 'false');
    w.endObject();
    w.key('name');
    w.string(spec.onnxName);
    w.endObject();
  }
  w.endObject();
}
