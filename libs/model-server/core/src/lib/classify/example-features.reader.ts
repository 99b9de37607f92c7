import { invalidArgument } from '../errors/serving-error';
import { base64Decode } from '../json/base64';
import { jsonDebugString } from '../json/json-debug-string';
import {
  JsonObject,
  NUM_INT64,
  NUM_UINT64,
  jsonTypeName,
  type JsonDocument,
  type JsonValue,
} from '../json/json-document';

export type FeatureKind = 'bytes' | 'float' | 'int64';

/** A tf.Example feature: its kind is fixed by its first value, as TF Serving builds Feature protos. */
export interface Feature {
  kind: FeatureKind | null;
  readonly values: (string | number | bigint)[];
}

/** One example's features, the context's merged underneath (the example wins a clash). */
export type Example = Map<string, Feature>;

/**
 * TF Serving's FillClassifyRegressRequestFromJson: `context` and `examples` into tf.Example-like feature
 * maps. The whole body is read before the model is looked up, as TF Serving does for classify/regress.
 */
export function readExamples(doc: JsonDocument, root: JsonObject): Example[] {
  let context: Example | null = null;
  const contextValue = root.get('context');
  if (contextValue !== undefined) context = readExample(doc, contextValue);
  const examples = root.get('examples');
  // TF Serving's message says "classify" for regress requests too.
  if (examples === undefined) {
    throw invalidArgument(
      `JSON Value: ${jsonDebugString(doc, root)} When method is classify, key 'examples' is expected and was not found`,
    );
  }
  if (!Array.isArray(examples))
    throw invalidArgument(
      `JSON Value: ${jsonDebugString(doc, root)} Expecting 'examples' value to be an list/array`,
    );
  if (examples.length === 0)
    throw invalidArgument(`JSON Value: ${jsonDebugString(doc, root)} 'examples' value is an empty array`);
  return examples.map((value) => {
    const example = readExample(doc, value);
    if (!context) return example;
    const merged: Example = new Map(context);
    for (const [k, f] of example) merged.set(k, f);
    return merged;
  });
}

function readExample(doc: JsonDocument, value: JsonValue): Example {
  if (!(value instanceof JsonObject))
    throw invalidArgument(`Example must be JSON object but got JSON ${jsonTypeName(value)}`);
  const example: Example = new Map();
  for (let i = 0; i < value.keys.length; i++) {
    const name = value.keys[i];
    const content = value.values[i];
    const feature: Feature = { kind: null, values: [] };
    if (Array.isArray(content)) for (const v of content) addValue(doc, v, name, feature);
    else addValue(doc, content, name, feature);
    example.set(name, feature);
  }
  return example;
}

function addValue(doc: JsonDocument, value: JsonValue, name: string, feature: Feature): void {
  const unexpected = () =>
    invalidArgument(`Feature: ${name} has element with unexpected JSON type: ${jsonTypeName(value)}`);
  const setKind = (kind: FeatureKind) => {
    if (feature.kind !== null && feature.kind !== kind) {
      throw invalidArgument(`Unexpected element type in feature: ${name} expecting type: ${feature.kind}`);
    }
    feature.kind = kind;
  };
  if (value === null || Array.isArray(value)) throw unexpected();
  if (typeof value === 'boolean') {
    setKind('int64');
    feature.values.push(value ? 1 : 0);
  } else if (typeof value === 'string') {
    setKind('bytes');
    feature.values.push(value);
  } else if (value instanceof JsonObject) {
    const b64 = value.b64();
    if (b64 === undefined) throw unexpected();
    setKind('bytes');
    const bytes = base64Decode(b64);
    if (bytes === null) throw invalidArgument('Unable to base64 decode');
    feature.values.push(bytes.toString('utf8'));
  } else {
    const flags = doc.flags[value];
    if (flags === 0) {
      setKind('float');
      feature.values.push(doc.nums[value]);
    } else {
      setKind('int64');
      if ((flags & NUM_INT64) === 0 && (flags & NUM_UINT64) !== 0) {
        throw invalidArgument(`Feature: ${name} has uint64_t element. Only int64_t is supported.`);
      }
      feature.values.push(doc.bigint(value));
    }
  }
}
