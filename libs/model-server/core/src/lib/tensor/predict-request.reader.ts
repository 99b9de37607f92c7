import { invalidArgument, type ServingError } from '../errors/serving-error';
import { jsonDebugString } from '../json/json-debug-string';
import { JsonObject, type JsonDocument, type JsonValue } from '../json/json-document';
import { type Signature, type TensorSpec } from '../repository/signature';
import { allocateTensorData, type HostTensor, type TensorData } from './host-tensor';
import { TensorFiller, denseShape, jsonToTensor, shapeSize } from './json-to-tensor';

export type RequestFormat = 'row' | 'columnar';

export interface PredictInputs {
  readonly format: RequestFormat;
  /** Keyed by signature alias. */
  readonly tensors: Map<string, HostTensor>;
}

/**
 * TF Serving's FillPredictRequestFromJson after the servable and signature are resolved: `instances`
 * (row) or `inputs` (columnar) into one tensor per signature input, with its errors in its order.
 */
export function readPredictInputs(doc: JsonDocument, root: JsonObject, signature: Signature): PredictInputs {
  if (signature.inputs.length === 0) {
    throw invalidArgument(`Failed to get input map for signature: ${signature.name || 'DEFAULT'}`);
  }
  const instances = root.get('instances');
  const inputs = root.get('inputs');
  if (instances !== undefined) {
    if (inputs !== undefined) {
      throw invalidArgument(
        `JSON Value: ${jsonDebugString(doc, root)} Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist `,
      );
    }
    if (!Array.isArray(instances)) {
      throw invalidArgument(
        `JSON Value: ${jsonDebugString(doc, root)} Excepting 'instances' to be an list/array`,
      );
    }
    if (instances.length === 0)
      throw invalidArgument(`JSON Value: ${jsonDebugString(doc, root)} No values in 'instances' array`);
    return { format: 'row', tensors: readInstances(doc, instances, signature.inputs) };
  }
  if (inputs !== undefined)
    return { format: 'columnar', tensors: readColumnar(doc, inputs, signature.inputs) };
  throw invalidArgument("Missing 'inputs' or 'instances' key");
}

function isElementObject(value: JsonValue): value is JsonObject {
  return value instanceof JsonObject && value.b64() === undefined;
}

/** Per-input accumulation of the batched tensor built from `instances` elements. */
class InstanceColumn {
  shape: number[] | null = null;
  size = 0;
  data: TensorData | null = null;

  constructor(
    readonly spec: TensorSpec,
    private readonly batch: number,
  ) {}

  add(doc: JsonDocument, item: JsonValue, index: number): void {
    const shape = denseShape(item);
    const size = shapeSize(shape);
    if (this.shape === null) {
      this.shape = shape;
      this.size = size;
      this.data = allocateTensorData(this.spec.dtype, size * this.batch);
    }
    if (size === this.size && sameShape(shape, this.shape)) {
      new TensorFiller(doc, this.spec.dtype, this.data!).fill(item, shape, index * size);
      return;
    }
    // TF fills the element first (its value errors win), then compares size, then shape.
    new TensorFiller(doc, this.spec.dtype, allocateTensorData(this.spec.dtype, size)).fill(item, shape, 0);
    if (size !== this.size) throw invalidArgument(`Expecting tensor size: ${this.size} but got: ${size}`);
    throw invalidArgument(`Expecting shape ${shapeText(this.shape)} but got: ${shapeText(shape)}`);
  }

  tensor(): HostTensor {
    return { dtype: this.spec.dtype, shape: [this.batch, ...this.shape!], data: this.data! };
  }
}

function readInstances(
  doc: JsonDocument,
  instances: JsonValue[],
  specs: readonly TensorSpec[],
): Map<string, HostTensor> {
  if (!(instances[0] instanceof JsonObject) && specs.length > 1) {
    throw invalidArgument(
      'instances is a plain list, but expecting list of objects as multiple input tensors required as per tensorinfo_map',
    );
  }
  const byAlias = new Map(specs.map((s) => [s.alias, s]));
  const columns = new Map<string, InstanceColumn>();
  const column = (spec: TensorSpec): InstanceColumn => {
    let c = columns.get(spec.alias);
    if (!c) columns.set(spec.alias, (c = new InstanceColumn(spec, instances.length)));
    return c;
  };
  const elementsAreObjects = isElementObject(instances[0]);
  const inputNames = specs.map((s) => s.alias).sort();
  for (let i = 0; i < instances.length; i++) {
    const elem = instances[i];
    if (elementsAreObjects) {
      if (!isElementObject(elem))
        throw invalidArgument(`Expecting object but got list at item ${i} of input list`);
      for (let k = 0; k < elem.keys.length; k++) {
        const name = elem.keys[k];
        try {
          const spec = byAlias.get(name);
          if (!spec) throw invalidArgument(`JSON object: does not have named input: ${name}`);
          column(spec).add(doc, elem.values[k], i);
        } catch (error) {
          throw wrap(error, `Failed to process element: ${i} key: ${name} of 'instances' list. Error: `);
        }
      }
      const keys = [...new Set(elem.keys)].sort();
      if (keys.length !== inputNames.length || keys.some((k, j) => k !== inputNames[j])) {
        throw invalidArgument(
          `Failed to process element: ${i} of 'instances' list. JSON object: ${jsonDebugString(doc, elem)} keys must be equal to: ${inputNames.join(',')}`,
        );
      }
    } else {
      if (isElementObject(elem))
        throw invalidArgument(`Expecting value/list but got object at item ${i} of input list`);
      try {
        column(specs[0]).add(doc, elem, i);
      } catch (error) {
        throw wrap(error, `Failed to process element: ${i} of 'instances' list. Error: `);
      }
    }
  }
  const tensors = new Map<string, HostTensor>();
  for (const [alias, c] of columns) tensors.set(alias, c.tensor());
  return tensors;
}

function readColumnar(
  doc: JsonDocument,
  value: JsonValue,
  specs: readonly TensorSpec[],
): Map<string, HostTensor> {
  const tensors = new Map<string, HostTensor>();
  if (!(value instanceof JsonObject) || value.b64() !== undefined) {
    if (specs.length > 1) {
      throw invalidArgument(
        'inputs is a plain value/list, but expecting an object as multiple input tensors required as per tensorinfo_map',
      );
    }
    tensors.set(specs[0].alias, jsonToTensor(doc, value, specs[0].dtype));
    return tensors;
  }
  // Every signature input must be present; extra keys are ignored (TF Serving's FillTensorMapFromInputsMap).
  for (const spec of specs) {
    const item = value.get(spec.alias);
    if (item === undefined) throw invalidArgument(`Missing named input: ${spec.alias} in 'inputs' object.`);
    tensors.set(spec.alias, jsonToTensor(doc, item, spec.dtype));
  }
  return tensors;
}

function wrap(error: unknown, prefix: string): unknown {
  const inner = error as ServingError;
  if (typeof inner?.toStatusString !== 'function') return error;
  return invalidArgument(prefix + inner.toStatusString());
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
