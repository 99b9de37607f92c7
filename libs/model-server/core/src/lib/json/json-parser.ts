import {
  JsonDocument,
  JsonObject,
  NUM_INT,
  NUM_INT64,
  NUM_UINT,
  NUM_UINT64,
  type JsonValue,
} from './json-document';
import { JsonParseError } from './json-parse-error';
import { currentNativeJson, type NativeJson } from './native-json';

// rapidjson's GetParseError_En texts: TF Serving puts them verbatim into "JSON Parse error: <text> at offset: N".
const EMPTY = 'The document is empty.';
const INVALID_VALUE = 'Invalid value.';
const OBJECT_MISS_NAME = 'Missing a name for object member.';
const OBJECT_MISS_COLON = 'Missing a colon after a name of object member.';
const OBJECT_MISS_COMMA = "Missing a comma or '}' after an object member.";
const ARRAY_MISS_COMMA = "Missing a comma or ']' after an array element.";
const BAD_HEX = 'Incorrect hex digit after \\u escape in string.';
const BAD_SURROGATE = 'The surrogate pair in string is invalid.';
const BAD_ESCAPE = 'Invalid escape character in string.';
const MISS_QUOTE = 'Missing a closing quotation mark in string.';
const BAD_ENCODING = 'Invalid encoding in string.';
const TOO_BIG = 'Number too big to be stored in double.';
const MISS_FRACTION = 'Miss fraction part in number.';
const MISS_EXPONENT = 'Miss exponent in number.';

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];
const TWO_53 = 9007199254740992;
const INT32_MIN = -2147483648;
const TWO_31 = 2147483648;
const TWO_32 = 4294967296;
const TWO_63 = 2n ** 63n;
const TWO_64 = 2n ** 64n;

const MAX_SCRATCH = 1 << 20;
let scratchNums = new Float64Array(4096);
let scratchFlags = new Uint8Array(4096);
const nativeState = new Int32Array(2);

// While a document lent by withParsedJson is in use, its tape is the scratch buffers themselves; a parse
// started meanwhile (none is, on the serving path) gets a tape of its own.
let scratchLent = false;

const ESCAPES: Record<number, string> = {
  0x22: '"',
  0x5c: '\\',
  0x2f: '/',
  0x62: '\b',
  0x66: '\f',
  0x6e: '\n',
  0x72: '\r',
  0x74: '\t',
};

/**
 * Parses JSON the way TF Serving's rapidjson does with kParseNanAndInfFlag | kParseStopWhenDoneFlag:
 * NaN/Inf/Infinity tokens (optionally negative) are numbers, bytes after the root value are ignored, and
 * failures carry rapidjson's message and offset. Integers keep rapidjson's IsInt/IsUint/IsInt64/IsUint64
 * classification and exact int64 values, which TF Serving's dtype acceptance rules depend on.
 */
export function parseJson(bytes: Uint8Array, options?: ParseOptions): JsonDocument {
  return new Parser(bytes, nativeFor(options)).parseDocument(false);
}

/**
 * Parses like parseJson and hands the document to `use`, which must be done with it when it returns: the
 * document's number tape is the parser's scratch buffer, overwritten by the next parse, instead of a copy.
 * On the serving path a request's document is read synchronously into tensors and dropped, and a tape of
 * its own per request was off-heap garbage that outlived young-generation GCs (tens of MB of the model
 * server's RSS under load) and cost an allocation per request.
 */
export function withParsedJson<T>(
  bytes: Uint8Array,
  use: (doc: JsonDocument) => T,
  options?: ParseOptions,
): T {
  if (scratchLent) return use(parseJson(bytes, options));
  const doc = new Parser(bytes, nativeFor(options)).parseDocument(true);
  scratchLent = true;
  try {
    return use(doc);
  } finally {
    scratchLent = false;
  }
}

function nativeFor(options: ParseOptions | undefined): NativeJson | null {
  return options?.native === false ? null : currentNativeJson();
}

export interface ParseOptions {
  /** false: parse number runs in JavaScript even when the native addon is loaded (tests compare both). */
  native?: boolean;
}

class Parser {
  private pos = 0;
  private readonly buf: Buffer;
  private readonly len: number;
  // The number tape is parsed into a scratch buffer shared by every parse (parsing is synchronous) and
  // copied out once at the exact size (or lent as it is), instead of growing a fresh tape per request.
  private readonly ownTape = scratchLent;
  private nums = this.ownTape ? new Float64Array(256) : scratchNums;
  private flags = this.ownTape ? new Uint8Array(256) : scratchFlags;
  private numCount = 0;
  private readonly stack: JsonValue[] = [];
  private bigs: Map<number, bigint> | null = null;

  constructor(
    bytes: Uint8Array,
    private readonly native: NativeJson | null,
  ) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.len = bytes.length;
  }

  /** `lend`: the document views the scratch tape (withParsedJson) instead of a copy of its own. */
  parseDocument(lend: boolean): JsonDocument {
    this.skipWs();
    if (this.pos >= this.len) throw new JsonParseError(EMPTY, this.pos);
    let root: JsonValue;
    try {
      root = this.value();
    } catch (error) {
      // rapidjson has no recursion limit of its own; a JS stack overflow is reported as a parse failure.
      if (error instanceof RangeError) throw new JsonParseError(INVALID_VALUE, this.pos);
      throw error;
    }
    const n = this.numCount;
    if (lend) return new JsonDocument(root, this.nums.subarray(0, n), this.flags.subarray(0, n), this.bigs);
    return new JsonDocument(root, this.nums.slice(0, n), this.flags.slice(0, n), this.bigs);
  }

  private peek(): number {
    return this.pos < this.len ? this.buf[this.pos] : 0;
  }

  private skipWs(): void {
    const buf = this.buf;
    let p = this.pos;
    while (p < this.len) {
      const c = buf[p];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  private value(): JsonValue {
    switch (this.peek()) {
      case 0x6e: // n
        this.literal('null');
        return null;
      case 0x74: // t
        this.literal('true');
        return true;
      case 0x66: // f
        this.literal('false');
        return false;
      case 0x22:
        return this.string();
      case 0x7b:
        return this.object();
      case 0x5b:
        return this.array();
      default:
        return this.number();
    }
  }

  private literal(word: string): void {
    // rapidjson consumes matching characters and reports the first mismatch.
    this.pos++;
    for (let i = 1; i < word.length; i++) {
      if (this.peek() !== word.charCodeAt(i)) throw new JsonParseError(INVALID_VALUE, this.pos);
      this.pos++;
    }
  }

  private object(): JsonObject {
    this.pos++;
    const keys: string[] = [];
    const values: JsonValue[] = [];
    this.skipWs();
    if (this.peek() === 0x7d) {
      this.pos++;
      return new JsonObject(keys, values);
    }
    for (;;) {
      if (this.peek() !== 0x22) throw new JsonParseError(OBJECT_MISS_NAME, this.pos);
      keys.push(this.string());
      this.skipWs();
      if (this.peek() !== 0x3a) throw new JsonParseError(OBJECT_MISS_COLON, this.pos);
      this.pos++;
      this.skipWs();
      values.push(this.value());
      this.skipWs();
      const c = this.peek();
      if (c === 0x2c) {
        this.pos++;
        this.skipWs();
      } else if (c === 0x7d) {
        this.pos++;
        return new JsonObject(keys, values);
      } else throw new JsonParseError(OBJECT_MISS_COMMA, this.pos);
    }
  }

  private array(): JsonValue[] {
    this.pos++;
    this.skipWs();
    if (this.peek() === 0x5d) {
      this.pos++;
      return [];
    }
    // Elements collect on a stack shared by all arrays of the parse and leave it as one exact-size array,
    // so a 784-element list does not regrow (and discard) its backing store a dozen times.
    const stack = this.stack;
    const base = stack.length;
    const buf = this.buf;
    const len = this.len;
    for (;;) {
      // Numbers are the common element (tensor data): a run of them is parsed in one tight loop.
      const first = this.pos < len ? buf[this.pos] : 0;
      let c: number;
      if ((first >= 0x30 && first <= 0x39) || first === 0x2d) {
        // A run's numbers sit at consecutive tape indices; a list that is one run (a tensor row) is
        // built straight from them.
        const from = this.numberRun();
        const to = this.numCount;
        c = this.pos < len ? buf[this.pos] : 0;
        if (c === 0x5d && stack.length === base) {
          this.pos++;
          const items: JsonValue[] = new Array<JsonValue>(to - from);
          for (let i = from; i < to; i++) items[i - from] = i;
          return items;
        }
        for (let i = from; i < to; i++) stack.push(i);
      } else {
        stack.push(this.value());
        c = this.pos < len ? buf[this.pos] : 0;
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        this.skipWs();
        c = this.peek();
      }
      if (c === 0x2c) {
        this.pos++;
        c = this.pos < len ? buf[this.pos] : 0;
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.skipWs();
      } else if (c === 0x5d) {
        this.pos++;
        const items = stack.slice(base);
        stack.length = base;
        return items;
      } else throw new JsonParseError(ARRAY_MISS_COMMA, this.pos);
    }
  }

  private string(): string {
    const buf = this.buf;
    const start = ++this.pos;
    let p = start;
    // Fast path: plain ASCII without escapes is sliced in one go.
    while (p < this.len) {
      const c = buf[p];
      if (c === 0x22) {
        this.pos = p + 1;
        return buf.toString('latin1', start, p);
      }
      if (c === 0x5c || c < 0x20 || c >= 0x80) break;
      p++;
    }
    return this.slowString(start, p);
  }

  private slowString(start: number, p: number): string {
    const buf = this.buf;
    let out = buf.toString('latin1', start, p);
    let run = p;
    while (p < this.len) {
      const c = buf[p];
      if (c === 0x22) {
        out += buf.toString('utf8', run, p);
        this.pos = p + 1;
        return out;
      }
      if (c === 0x5c) {
        out += buf.toString('utf8', run, p);
        const escapeOffset = p;
        const e = p + 1 < this.len ? buf[p + 1] : 0;
        if (e === 0x75) {
          let code = this.hex4(p + 2, escapeOffset);
          p += 6;
          if (code >= 0xd800 && code <= 0xdbff) {
            if (buf[p] !== 0x5c || buf[p + 1] !== 0x75) throw new JsonParseError(BAD_SURROGATE, escapeOffset);
            const low = this.hex4(p + 2, escapeOffset);
            if (low < 0xdc00 || low > 0xdfff) throw new JsonParseError(BAD_SURROGATE, escapeOffset);
            code = ((code - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
            p += 6;
          }
          out += String.fromCodePoint(code);
        } else {
          const s = ESCAPES[e];
          if (s === undefined) throw new JsonParseError(BAD_ESCAPE, escapeOffset);
          out += s;
          p += 2;
        }
        run = p;
        continue;
      }
      if (c < 0x20) throw new JsonParseError(c === 0 ? MISS_QUOTE : BAD_ENCODING, p);
      p++;
    }
    throw new JsonParseError(MISS_QUOTE, this.len);
  }

  private hex4(p: number, escapeOffset: number): number {
    let code = 0;
    for (let i = 0; i < 4; i++) {
      const c = p + i < this.len ? this.buf[p + i] : 0;
      let d: number;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
      else throw new JsonParseError(BAD_HEX, escapeOffset);
      code = code * 16 + d;
    }
    return code;
  }

  private push(value: number, flags: number): number {
    const i = this.numCount++;
    if (i === this.nums.length) this.grow();
    this.nums[i] = value;
    this.flags[i] = flags;
    return i;
  }

  /** Doubles the tape; tapes up to MAX_SCRATCH become the shared scratch for later parses. */
  private grow(): void {
    const size = this.nums.length * 2;
    const nums = new Float64Array(size);
    nums.set(this.nums);
    this.nums = nums;
    const fl = new Uint8Array(size);
    fl.set(this.flags);
    this.flags = fl;
    if (size <= MAX_SCRATCH && !this.ownTape) {
      scratchNums = nums;
      scratchFlags = fl;
    }
  }

  /**
   * Parses array elements `n1,n2,...` while each is a number directly followed by a comma and the next
   * number (no whitespace): the body of a tensor list. The native addon takes plain `-?int(.frac)?`
   * numbers of at most 15 digits in one call, with number()'s arithmetic; the rest goes through number().
   * Each number takes the next tape index, so the run's numbers are the indices from the returned one up
   * to numCount. Stops after the last number it parsed, leaving the separator (or error) to array().
   */
  private numberRun(): number {
    const from = this.numCount;
    const native = this.native;
    if (native !== null) {
      // The addon takes the run while it stays plain, then hands the rest (if any) to the loop below.
      const state = nativeState;
      state[0] = this.pos;
      state[1] = this.numCount;
      for (;;) {
        const reason = native.numberRun(this.buf, this.nums, this.flags, state);
        this.numCount = state[1];
        this.pos = state[0];
        if (reason === 0) return from;
        if (reason !== 2) break;
        this.grow();
      }
    }
    // Without the addon, or from an element it does not take: one number() per element.
    const buf = this.buf;
    const len = this.len;
    for (;;) {
      this.number();
      const p = this.pos;
      const c = p < len ? buf[p] : 0;
      // Continue only on `,` directly followed by the start of another number.
      const next = p + 1 < len ? buf[p + 1] : 0;
      if (c !== 0x2c || !((next >= 0x30 && next <= 0x39) || next === 0x2d)) return from;
      this.pos = p + 1;
    }
  }

  /**
   * Fast path for the common `-?int(.frac)?` with at most 15 digits, stored straight onto the tape (going
   * through push() made a 784-float parse ~20% slower); anything else takes numberSlow().
   */
  private number(): number {
    const buf = this.buf;
    const len = this.len;
    const start = this.pos;
    let p = start;
    let c = p < len ? buf[p] : 0;
    const minus = c === 0x2d;
    if (minus) c = ++p < len ? buf[p] : 0;
    if (c < 0x30 || c > 0x39) return this.numberSlow();
    let mantissa = c - 0x30;
    p++;
    if (mantissa !== 0) {
      while (p < len && (c = buf[p]) >= 0x30 && c <= 0x39) {
        mantissa = mantissa * 10 + (c - 0x30);
        p++;
      }
    }
    c = p < len ? buf[p] : 0;
    let frac = 0;
    if (c === 0x2e) {
      const fracStart = ++p;
      while (p < len && (c = buf[p]) >= 0x30 && c <= 0x39) {
        mantissa = mantissa * 10 + (c - 0x30);
        p++;
      }
      frac = p - fracStart;
      if (frac === 0) return this.numberSlow();
      c = p < len ? buf[p] : 0;
    }
    // 15 digits keep the mantissa exact; an exponent or more digits need the general path.
    if (c === 0x65 || c === 0x45 || p - start - (minus ? 1 : 0) - (frac > 0 ? 1 : 0) > 15)
      return this.numberSlow();
    this.pos = p;
    const i = this.numCount++;
    if (i === this.nums.length) this.grow();
    if (frac > 0) {
      const value = mantissa / POW10[frac];
      this.nums[i] = minus ? -value : value;
      this.flags[i] = 0;
    } else if (minus && mantissa === 0) {
      this.nums[i] = 0;
      this.flags[i] = NUM_INT | NUM_INT64 | NUM_UINT | NUM_UINT64;
    } else {
      const value = minus ? -mantissa : mantissa;
      this.nums[i] = value;
      this.flags[i] = intFlags(value);
    }
    return i;
  }

  private numberSlow(): number {
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    const minus = buf[p] === 0x2d;
    if (minus) p++;
    let c = p < this.len ? buf[p] : 0;
    if (c === 0x4e || c === 0x49) return this.nanOrInf(p, minus);
    if (c < 0x30 || c > 0x39) throw new JsonParseError(INVALID_VALUE, p);

    // Integer part; a leading 0 ends it (rapidjson then stops at the next digit).
    let mantissa = 0;
    let digits = 0; // significant digits accumulated into `mantissa`
    let exact = true; // mantissa holds every significant digit
    const intStart = p;
    if (c === 0x30) {
      p++;
    } else {
      while (p < this.len && (c = buf[p]) >= 0x30 && c <= 0x39) {
        if (digits < 15) {
          mantissa = mantissa * 10 + (c - 0x30);
          digits++;
        } else exact = false;
        p++;
      }
    }
    const intDigits = p - intStart;
    let fracDigits = 0;
    let isDouble = false;
    let exp = 0;
    c = p < this.len ? buf[p] : 0;
    if (c === 0x2e) {
      isDouble = true;
      p++;
      c = p < this.len ? buf[p] : 0;
      if (c < 0x30 || c > 0x39) throw new JsonParseError(MISS_FRACTION, p);
      while (p < this.len && (c = buf[p]) >= 0x30 && c <= 0x39) {
        if (digits < 15) {
          if (mantissa !== 0 || c !== 0x30) digits++;
          mantissa = mantissa * 10 + (c - 0x30);
          fracDigits++;
        } else exact = false;
        p++;
      }
    }
    c = p < this.len ? buf[p] : 0;
    if (c === 0x65 || c === 0x45) {
      isDouble = true;
      p++;
      c = p < this.len ? buf[p] : 0;
      let expMinus = false;
      if (c === 0x2b || c === 0x2d) {
        expMinus = c === 0x2d;
        p++;
        c = p < this.len ? buf[p] : 0;
      }
      if (c < 0x30 || c > 0x39) throw new JsonParseError(MISS_EXPONENT, p);
      while (p < this.len && (c = buf[p]) >= 0x30 && c <= 0x39) {
        if (exp < 100000) exp = exp * 10 + (c - 0x30);
        p++;
      }
      if (expMinus) exp = -exp;
    }
    this.pos = p;

    if (!isDouble) {
      if (exact) {
        // Up to 15 digits: exact as a double; classify with rapidjson's flags.
        const v = minus ? -mantissa : mantissa;
        if (minus && mantissa === 0) return this.push(0, NUM_INT | NUM_INT64 | NUM_UINT | NUM_UINT64);
        return this.push(v, intFlags(v));
      }
      return this.bigInteger(start, p, minus, intDigits);
    }
    const e10 = exp - fracDigits;
    let value: number;
    if (exact && e10 >= -22 && e10 <= 22 && mantissa < TWO_53) {
      // Clinger's fast path: both operands exact, one correctly rounded operation.
      value = e10 >= 0 ? mantissa * POW10[e10] : mantissa / POW10[-e10];
      if (minus) value = -value;
    } else {
      value = Number(buf.toString('latin1', start, p));
    }
    if (!Number.isFinite(value)) throw new JsonParseError(TOO_BIG, start);
    return this.push(value, 0);
  }

  private bigInteger(start: number, end: number, minus: boolean, _intDigits: number): number {
    const big = BigInt(this.buf.toString('latin1', start, end));
    // rapidjson stores integers beyond int64/uint64 as doubles.
    if (minus ? big < -TWO_63 : big >= TWO_64) return this.push(Number(big), 0);
    let flags = 0;
    if (big >= -TWO_63 && big < TWO_63) flags |= NUM_INT64;
    if (big >= 0n) flags |= NUM_UINT64;
    const value = Number(big);
    if (value >= INT32_MIN && value < TWO_31) flags |= NUM_INT;
    if (value >= 0 && value < TWO_32) flags |= NUM_UINT;
    const i = this.push(value, flags);
    if (value >= TWO_53 || value <= -TWO_53) (this.bigs ??= new Map()).set(i, big);
    return i;
  }

  private nanOrInf(p: number, minus: boolean): number {
    // rapidjson (kParseNanAndInfFlag) accepts NaN, Inf and Infinity, each optionally negated.
    const buf = this.buf;
    const expect = (word: string): void => {
      for (let i = 0; i < word.length; i++) {
        if (p >= this.len || buf[p] !== word.charCodeAt(i)) throw new JsonParseError(INVALID_VALUE, p);
        p++;
      }
    };
    let value: number;
    if (buf[p] === 0x4e) {
      expect('NaN');
      value = NaN;
    } else {
      expect('Inf');
      if (p < this.len && buf[p] === 0x69) expect('inity');
      value = minus ? -Infinity : Infinity;
    }
    this.pos = p;
    return this.push(value, 0);
  }
}

function intFlags(v: number): number {
  let flags = NUM_INT64;
  if (v >= 0) flags |= NUM_UINT64;
  if (v >= INT32_MIN && v < TWO_31) flags |= NUM_INT;
  if (v >= 0 && v < TWO_32) flags |= NUM_UINT;
  return flags;
}
