/**
 * A parsed JSON document shaped for tensor conversion. Numbers are not boxed: a JSON number in the tree is
 * a small integer index into the document's number tape (`nums` holds the double value, `flags` rapidjson's
 * integer tests, `bigs` the exact value of integers beyond 2^53). A list of 784 floats is therefore one
 * array of small integers, not 784 objects, and int64 values keep their precision.
 */
export type JsonValue = null | boolean | string | number | JsonValue[] | JsonObject;

/** rapidjson's integer tests (IsInt, IsUint, IsInt64, IsUint64); 0 means a double literal. */
export const NUM_INT = 1;
export const NUM_UINT = 2;
export const NUM_INT64 = 4;
export const NUM_UINT64 = 8;

/** A JSON object in document order; duplicate keys are kept and lookups find the first, as rapidjson's FindMember. */
export class JsonObject {
  constructor(
    readonly keys: string[],
    readonly values: JsonValue[],
  ) {}

  get size(): number {
    return this.keys.length;
  }

  has(key: string): boolean {
    return this.keys.indexOf(key) >= 0;
  }

  get(key: string): JsonValue | undefined {
    const i = this.keys.indexOf(key);
    return i >= 0 ? this.values[i] : undefined;
  }

  /** TF Serving's IsValBase64Object: exactly one key, `b64`, holding a string. */
  b64(): string | undefined {
    return this.keys.length === 1 && this.keys[0] === 'b64' && typeof this.values[0] === 'string'
      ? this.values[0]
      : undefined;
  }
}

export class JsonDocument {
  constructor(
    readonly root: JsonValue,
    readonly nums: Float64Array,
    readonly flags: Uint8Array,
    readonly bigs: Map<number, bigint> | null,
  ) {}

  /** The exact integer value of a number that passed an integer test. */
  bigint(index: number): bigint {
    return this.bigs?.get(index) ?? BigInt(this.nums[index]);
  }
}

/** rapidjson's JsonTypeString names, used in TF Serving's type errors. */
export function jsonTypeName(value: JsonValue): string {
  if (value === null) return 'Null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'True' : 'False';
    case 'string':
      return 'String';
    case 'number':
      return 'Number';
    default:
      return Array.isArray(value) ? 'Array' : 'Object';
  }
}
