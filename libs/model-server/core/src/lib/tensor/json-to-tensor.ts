import { base64Decode } from '../json/base64';
import { jsonDebugString } from '../json/json-debug-string';
import {
  JsonObject,
  NUM_INT,
  NUM_INT64,
  NUM_UINT,
  NUM_UINT64,
  jsonTypeName,
  type JsonDocument,
  type JsonValue,
} from '../json/json-document';
import { ServingError, invalidArgument } from '../errors/serving-error';
import { allocateTensorData, type HostTensor, type TensorData } from './host-tensor';
import { type TfDtype } from './tf-dtype';

/** TF Serving's GetDenseTensorShape: follow element [0] down the nesting; a non-list adds no dimension. */
export function denseShape(value: JsonValue): number[] {
  const shape: number[] = [];
  let v = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Converts one JSON value (columnar `inputs`, or one `instances` element) into a dense tensor. */
export function jsonToTensor(doc: JsonDocument, value: JsonValue, dtype: TfDtype): HostTensor {
  const shape = denseShape(value);
  const data = allocateTensorData(dtype, shapeSize(shape));
  new TensorFiller(doc, dtype, data).fill(value, shape, 0);
  return { dtype, shape, data };
}

/**
 * Writes JSON values straight into a typed array, applying TF Serving's FillTensorProto checks in its
 * order (level, list size, then per-value dtype acceptance from AddValueToTensor).
 */
export class TensorFiller {
  private pos = 0;

  constructor(
    private readonly doc: JsonDocument,
    private readonly dtype: TfDtype,
    private readonly data: TensorData,
    offset = 0,
  ) {
    this.pos = offset;
  }

  /** Fills `value` whose dense shape is `shape`; returns the number of values written. */
  fill(value: JsonValue, shape: readonly number[], offset: number): number {
    this.pos = offset;
    this.fillLevel(value, 0, shape);
    return this.pos - offset;
  }

  private fillLevel(value: JsonValue, level: number, shape: readonly number[]): void {
    const rank = shape.length;
    if (!Array.isArray(value)) {
      // All values of a dense tensor sit at the leaf level, which equals the rank.
      if (level !== rank) {
        throw invalidArgument(
          `JSON Value: ${jsonDebugString(this.doc, value)} found at incorrect level: ${level + 1} in the JSON DOM. Expected at level: ${rank}`,
        );
      }
      this.put(value);
      return;
    }
    if (level >= rank)
      throw invalidArgument(`Encountered list at unexpected level: ${level} expected < ${rank}`);
    if (value.length !== shape[level]) {
      throw invalidArgument(
        `Encountered list at unexpected size: ${value.length} at level: ${level} expected size: ${shape[level]}`,
      );
    }
    if (level === rank - 1 && (this.dtype === 'float' || this.dtype === 'double')) {
      // Hot path (float features): a leaf list of numbers copies straight from the number tape.
      const nums = this.doc.nums;
      const data = this.data as Float32Array;
      let pos = this.pos;
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        if (typeof v === 'number') data[pos++] = nums[v];
        else {
          this.pos = pos;
          this.fillLevel(v, level + 1, shape);
          pos = this.pos;
        }
      }
      this.pos = pos;
      return;
    }
    for (let i = 0; i < value.length; i++) this.fillLevel(value[i], level + 1, shape);
  }

  private put(value: JsonValue): void {
    const doc = this.doc;
    const dtype = this.dtype;
    if (value instanceof JsonObject) {
      if (dtype !== 'string') throw this.typeError(value);
      const b64 = value.b64();
      if (b64 === undefined)
        throw invalidArgument(
          `JSON Value: ${jsonDebugString(doc, value)} not formatted correctly for base64 data`,
        );
      const bytes = base64Decode(b64);
      if (bytes === null) throw invalidArgument('Unable to base64 decode');
      (this.data as string[])[this.pos++] = bytes.toString('utf8');
      return;
    }
    switch (dtype) {
      case 'float':
      case 'double':
        if (typeof value !== 'number') throw this.typeError(value);
        (this.data as Float64Array)[this.pos++] = doc.nums[value];
        return;
      case 'int32':
      case 'int16':
      case 'int8':
      case 'uint8':
      case 'uint16':
        // TF Serving checks rapidjson's IsInt only: no narrowing check for the small types.
        if (typeof value !== 'number' || (doc.flags[value] & NUM_INT) === 0) throw this.typeError(value);
        (this.data as Int32Array)[this.pos++] = doc.nums[value];
        return;
      case 'uint32':
        if (typeof value !== 'number' || (doc.flags[value] & NUM_UINT) === 0) throw this.typeError(value);
        (this.data as Uint32Array)[this.pos++] = doc.nums[value];
        return;
      case 'int64':
        if (typeof value !== 'number' || (doc.flags[value] & NUM_INT64) === 0) throw this.typeError(value);
        (this.data as BigInt64Array)[this.pos++] = doc.bigint(value);
        return;
      case 'uint64':
        if (typeof value !== 'number' || (doc.flags[value] & NUM_UINT64) === 0) throw this.typeError(value);
        (this.data as BigUint64Array)[this.pos++] = doc.bigint(value);
        return;
      case 'bool':
        if (typeof value !== 'boolean') throw this.typeError(value);
        (this.data as Uint8Array)[this.pos++] = value ? 1 : 0;
        return;
      case 'string':
        if (typeof value !== 'string') throw this.typeError(value);
        (this.data as string[])[this.pos++] = value;
        return;
      default:
        // TF Serving's AddValueToTensor has no case for these: UNIMPLEMENTED (HTTP 501).
        throw new ServingError(
          'UNIMPLEMENTED',
          `Conversion of JSON Value: ${jsonDebugString(doc, value)} to type: ${dtype}`,
        );
    }
  }

  private typeError(value: JsonValue): ServingError {
    return invalidArgument(
      `JSON Value: ${jsonDebugString(this.doc, value)} Type: ${jsonTypeName(value)} is not of expected type: ${this.dtype}`,
    );
  }
}
