import { JsonObject, NUM_INT, NUM_INT64, NUM_UINT, NUM_UINT64, type JsonDocument } from './json-document';
import { JsonParseError } from './json-parse-error';
import { parseJson, withParsedJson } from './json-parser';

const parse = (text: string): JsonDocument => parseJson(Buffer.from(text, 'utf8'));

function parseError(text: string): { reason: string; offset: number } {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof JsonParseError) return { reason: error.reason, offset: error.offset };
    throw error;
  }
  throw new Error(`parsed: ${text}`);
}

describe('parseJson', () => {
  it('builds objects, arrays, strings and literals', () => {
    const doc = parse(' {"a": [1, "x", true, false, null], "b": {}, "c": []} trailing garbage');
    const root = doc.root as JsonObject;
    expect(root).toBeInstanceOf(JsonObject);
    expect(root.keys).toEqual(['a', 'b', 'c']);
    const a = root.get('a') as unknown[];
    expect(doc.nums[a[0] as number]).toBe(1);
    expect(a.slice(1)).toEqual(['x', true, false, null]);
    expect((root.get('b') as JsonObject).size).toBe(0);
    expect(root.get('c')).toEqual([]);
  });

  it('decodes escapes, surrogate pairs and UTF-8', () => {
    const doc = parse('["a\\"b\\\\c\\/d\\b\\f\\n\\r\\t", "\\u00e9\\ud83d\\ude00", "héllo ✓"]');
    expect(doc.root).toEqual(['a"b\\c/d\b\f\n\r\t', 'é😀', 'héllo ✓']);
  });

  it('accepts rapidjson NaN and Infinity tokens', () => {
    const doc = parse('[NaN, -NaN, Inf, -Inf, Infinity, -Infinity]');
    const values = (doc.root as number[]).map((i) => doc.nums[i]);
    expect(values).toEqual([NaN, NaN, Infinity, -Infinity, Infinity, -Infinity]);
    expect((doc.root as number[]).map((i) => doc.flags[i])).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("classifies integers with rapidjson's IsInt/IsUint/IsInt64/IsUint64", () => {
    const doc = parse(
      '[1, -1, 1.0, 2147483648, 4294967296, -2147483649, 9223372036854775807, 18446744073709551615, 18446744073709551616, -9223372036854775809, 1e2]',
    );
    const flags = (doc.root as number[]).map((i) => doc.flags[i]);
    expect(flags).toEqual([
      NUM_INT | NUM_UINT | NUM_INT64 | NUM_UINT64,
      NUM_INT | NUM_INT64,
      0,
      NUM_UINT | NUM_INT64 | NUM_UINT64,
      NUM_INT64 | NUM_UINT64,
      NUM_INT64,
      NUM_INT64 | NUM_UINT64,
      NUM_UINT64,
      0,
      0,
      0,
    ]);
  });

  it('keeps int64 precision beyond 2^53', () => {
    const doc = parse('[9007199254740993, -9223372036854775808, 18446744073709551615]');
    const [a, b, c] = doc.root as number[];
    expect(doc.bigint(a)).toBe(9007199254740993n);
    expect(doc.bigint(b)).toBe(-9223372036854775808n);
    expect(doc.bigint(c)).toBe(18446744073709551615n);
  });

  it('parses doubles exactly (fast path and fallback)', () => {
    const texts = [
      '0.1',
      '-2.5e-3',
      '1e22',
      '3.14159',
      '0.3294117748737335',
      '123456789012345678.5',
      '1E-400',
      '-0.0',
      '5e-324',
    ];
    const doc = parse(`[${texts.join(',')}]`);
    expect((doc.root as number[]).map((i) => doc.nums[i])).toEqual(texts.map(Number));
    expect(Object.is(doc.nums[(doc.root as number[])[7]], -0)).toBe(true);
  });

  it('parses array elements exactly as single values', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const texts: string[] = ['0', '-0', '7', '-12', '0.5', '-0.0001', '123456789012345', '1234567890123456'];
    for (let i = 0; i < 500; i++) {
      const digits = 1 + Math.floor(next() * 17);
      const value = (next() - 0.5) * 10 ** Math.floor(next() * 12);
      texts.push(next() < 0.5 ? value.toFixed(Math.floor(next() * 8)) : value.toPrecision(digits));
    }
    const doc = parse(`[${texts.join(', ')}]`);
    (doc.root as number[]).forEach((index, k) => {
      const single = parse(`{"v": ${texts[k]}}`);
      const singleIndex = (single.root as JsonObject).get('v') as number;
      expect([texts[k], doc.nums[index], doc.flags[index]]).toEqual([
        texts[k],
        single.nums[singleIndex],
        single.flags[singleIndex],
      ]);
      // The integer literal -0 is rapidjson's int 0 (the -0.0 literal stays negative: see above).
      expect(doc.nums[index] === Number(texts[k])).toBe(true);
    });
  });

  it.each([
    ['', 'The document is empty.', 0],
    ['   ', 'The document is empty.', 3],
    ['{"a": x}', 'Invalid value.', 6],
    ['[1 2]', "Missing a comma or ']' after an array element.", 3],
    ['[1,]', 'Invalid value.', 3],
    ['{"a" 1}', 'Missing a colon after a name of object member.', 5],
    ['{"a": 1 "b": 2}', "Missing a comma or '}' after an object member.", 8],
    ['{"a": 1,}', 'Missing a name for object member.', 8],
    ['{1: 2}', 'Missing a name for object member.', 1],
    ['["abc', 'Missing a closing quotation mark in string.', 5],
    ['["\\x"]', 'Invalid escape character in string.', 2],
    ['["\\u12G4"]', 'Incorrect hex digit after \\u escape in string.', 2],
    ['["\\ud800x"]', 'The surrogate pair in string is invalid.', 2],
    ['["a\tb"]', 'Invalid encoding in string.', 3],
    ['[1.]', 'Miss fraction part in number.', 3],
    ['[1e+]', 'Miss exponent in number.', 4],
    ['[1e400]', 'Number too big to be stored in double.', 1],
    ['[-]', 'Invalid value.', 2],
    ['[nul]', 'Invalid value.', 4],
    ['[Infinit]', 'Invalid value.', 8],
    ['[NaX]', 'Invalid value.', 3],
    ['[1', "Missing a comma or ']' after an array element.", 2],
  ])('reports %j as rapidjson does', (text, reason, offset) => {
    expect(parseError(text)).toEqual({ reason, offset });
  });
});

describe('withParsedJson', () => {
  const values = (doc: JsonDocument): number[] => {
    const list = (doc.root as JsonObject).get('x') as number[];
    return list.map((i) => doc.nums[i]);
  };
  const body = (xs: readonly number[]): Buffer => Buffer.from(JSON.stringify({ x: xs }));

  it('lends a document equal to the one parseJson returns', () => {
    const text = Buffer.from('{"x": [1.5, -2, 3e3, 9007199254740993]}');
    const owned = parseJson(text);
    withParsedJson(text, (doc) => {
      expect(values(doc)).toEqual(values(owned));
      expect([...doc.flags]).toEqual([...owned.flags]);
      expect(doc.bigint(3)).toBe(9007199254740993n);
    });
  });

  it('lends the scratch tape: the next parse overwrites it, and owned documents keep their values', () => {
    const owned = parseJson(body([7, 8, 9]));
    let kept: JsonDocument | undefined;
    withParsedJson(body([1, 2, 3]), (doc) => {
      kept = doc;
      expect(values(doc)).toEqual([1, 2, 3]);
    });
    parseJson(body([4, 5, 6]));
    // What the lent document read after its callback is the later parse's numbers: it must not be kept.
    expect(values(kept!)).toEqual([4, 5, 6]);
    expect(values(owned)).toEqual([7, 8, 9]);
  });

  it('gives a parse started while a document is lent a tape of its own', () => {
    withParsedJson(body([1, 2, 3]), (outer) => {
      const inner = withParsedJson(body(Array.from({ length: 5000 }, (_, i) => i / 4)), (doc) => doc);
      parseJson(body([40, 50, 60]));
      expect(values(outer)).toEqual([1, 2, 3]);
      expect(values(inner)).toEqual(Array.from({ length: 5000 }, (_, i) => i / 4));
    });
  });

  it('returns what the callback returns and releases the tape when it throws', () => {
    expect(withParsedJson(body([2]), (doc) => values(doc)[0] * 21)).toBe(42);
    expect(() =>
      withParsedJson(body([1]), () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    let kept: JsonDocument | undefined;
    withParsedJson(body([5, 6]), (doc) => (kept = doc));
    parseJson(body([8, 9]));
    expect(values(kept!)).toEqual([8, 9]);
    expect(() => withParsedJson(Buffer.from('[1,'), () => 0)).toThrow(JsonParseError);
  });
});
