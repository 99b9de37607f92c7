import { type Writer } from 'protobufjs/minimal';
import { ELEM_TYPES, isElemType } from './elem-type';
import { TENSOR } from './proto-fields';
import { bytesField, int32Field, int64Field } from './proto-writer';
import { type TensorConstant } from './tensor-constant';
import { tensorRawData } from './tensor-raw-data';

/**
 * Writes a TensorProto body. Numeric and bool data go in raw_data (compact, and what onnx's own
 * numpy_helper emits); strings must use string_data, since onnx.proto forbids raw_data for STRING.
 */
export function encodeTensor(w: Writer, tensor: TensorConstant): void {
  const where = `tensor '${tensor.name ?? '<unnamed>'}'`;
  if (!isElemType(tensor.elemType)) {
    throw new TypeError(`${where}: unknown elemType ${JSON.stringify(tensor.elemType)}`);
  }
  const count = tensor.dims.reduce((n, d) => {
    if (!Number.isInteger(d) || d < 0)
      throw new RangeError(`${where}: dims must be non-negative integers, got [${tensor.dims.join(', ')}]`);
    return n * d;
  }, 1);
  if (tensor.values.length !== count) {
    throw new RangeError(
      `${where}: dims [${tensor.dims.join(', ')}] hold ${count} values, got ${tensor.values.length}`,
    );
  }

  for (const d of tensor.dims) int64Field(w, TENSOR.dims, d);
  int32Field(w, TENSOR.dataType, ELEM_TYPES[tensor.elemType]);
  if (tensor.name !== undefined) bytesField(w, TENSOR.name, tensor.name);

  if (tensor.elemType === 'STRING') {
    const values = tensor.values as ArrayLike<unknown>;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'string' && !(v instanceof Uint8Array)) {
        throw new TypeError(`${where}: STRING value [${i}] must be a string or Uint8Array, got ${typeof v}`);
      }
      bytesField(w, TENSOR.stringData, v);
    }
  } else {
    bytesField(w, TENSOR.rawData, tensorRawData(tensor.elemType, tensor.values, where));
  }
}
