import { type Writer } from 'protobufjs/minimal';
import { type Attribute } from './attribute';
import { encodeTensor } from './encode-tensor';
import { ATTRIBUTE, ATTRIBUTE_TYPE } from './proto-fields';
import {
  bytesField,
  floatField,
  int32Field,
  int64Field,
  messageField,
  packedFloats,
  packedInt64s,
} from './proto-writer';

/** Writes an AttributeProto body; `type` is always set, as IR version 2 and later require. */
export function encodeAttribute(w: Writer, name: string, attribute: Attribute): void {
  bytesField(w, ATTRIBUTE.name, name);
  int32Field(w, ATTRIBUTE.type, ATTRIBUTE_TYPE[attribute.type]);
  switch (attribute.type) {
    case 'FLOAT':
      return floatField(w, ATTRIBUTE.f, attribute.value);
    case 'INT':
      return int64Field(w, ATTRIBUTE.i, attribute.value);
    case 'STRING':
      return bytesField(w, ATTRIBUTE.s, attribute.value);
    case 'TENSOR':
      return messageField(w, ATTRIBUTE.t, (inner) => encodeTensor(inner, attribute.value));
    case 'FLOATS':
      return packedFloats(w, ATTRIBUTE.floats, attribute.value);
    case 'INTS':
      return packedInt64s(w, ATTRIBUTE.ints, attribute.value);
    case 'STRINGS':
      for (const s of attribute.value) bytesField(w, ATTRIBUTE.strings, s);
      return;
    default: {
      const unknown: never = attribute;
      throw new TypeError(
        `attribute '${name}': unsupported type ${JSON.stringify((unknown as Attribute).type)}`,
      );
    }
  }
}
