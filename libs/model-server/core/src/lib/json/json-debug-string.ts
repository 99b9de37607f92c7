import { formatDouble, formatFloat } from './decimal-format';
import { JsonObject, type JsonDocument, type JsonValue } from './json-document';
import { PrettyJsonWriter } from './pretty-json-writer';

/** TF Serving truncates the JSON it quotes in error messages. */
const MAX_DEBUG_BYTES = 256;

/**
 * TF Serving's JsonValueToString: rapidjson's pretty print with single-line arrays, integers as written,
 * other numbers through WriteDecimal (as float when the value is exactly a float, as rapidjson's IsFloat).
 */
export function jsonDebugString(doc: JsonDocument, value: JsonValue): string {
  const writer = new PrettyJsonWriter();
  writer.singleLineArrays = true;
  writeValue(writer, doc, value);
  const text = writer.toString();
  return text.length > MAX_DEBUG_BYTES ? text.slice(0, MAX_DEBUG_BYTES) : text;
}

/** One number of the document as rapidjson prints it. */
export function numberText(doc: JsonDocument, index: number): string {
  if (doc.flags[index] !== 0) return doc.bigint(index).toString();
  const v = doc.nums[index];
  return Math.fround(v) === v ? formatFloat(v) : formatDouble(v);
}

function writeValue(writer: PrettyJsonWriter, doc: JsonDocument, value: JsonValue): void {
  if (value === null) writer.raw('null');
  else if (typeof value === 'boolean') writer.raw(value ? 'true' : 'false');
  else if (typeof value === 'string') writer.string(value);
  else if (typeof value === 'number') writer.raw(numberText(doc, value));
  else if (Array.isArray(value)) {
    writer.startArray();
    for (const item of value) writeValue(writer, doc, item);
    writer.endArray();
  } else if (value instanceof JsonObject) {
    writer.startObject();
    for (let i = 0; i < value.keys.length; i++) {
      writer.key(value.keys[i]);
      writeValue(writer, doc, value.values[i]);
    }
    writer.endObject();
  }
}
