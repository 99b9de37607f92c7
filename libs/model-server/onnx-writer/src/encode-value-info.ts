import { type Writer } from 'protobufjs/minimal';
import { ELEM_TYPES, isElemType } from './elem-type';
import { DIMENSION, SHAPE, TYPE, TYPE_TENSOR, VALUE_INFO } from './proto-fields';
import { bytesField, int32Field, int64Field, messageField } from './proto-writer';
import { type ValueInfo } from './value-info';

/** Writes a ValueInfoProto body for a tensor-typed graph input or output. */
export function encodeValueInfo(w: Writer, info: ValueInfo): void {
  if (!isElemType(info.elemType))
    throw new TypeError(`value '${info.name}': unknown elemType ${JSON.stringify(info.elemType)}`);
  bytesField(w, VALUE_INFO.name, info.name);
  messageField(w, VALUE_INFO.type, (type) =>
    messageField(type, TYPE.tensorType, (tensorType) => {
      int32Field(tensorType, TYPE_TENSOR.elemType, ELEM_TYPES[info.elemType]);
      const shape = info.shape;
      if (shape === undefined) return;
      messageField(tensorType, TYPE_TENSOR.shape, (shapeW) => {
        for (const d of shape) {
          messageField(shapeW, SHAPE.dim, (dim) => {
            // An empty Dimension is ONNX's "unknown": a negative dim_value would be invalid.
            if (typeof d === 'string') bytesField(dim, DIMENSION.dimParam, d);
            else if (!Number.isInteger(d))
              throw new RangeError(`value '${info.name}': dim ${d} is not an integer`);
            else if (d >= 0) int64Field(dim, DIMENSION.dimValue, d);
          });
        }
      });
    }),
  );
}
