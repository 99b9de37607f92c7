import { formatDecimals } from './decimal-format';
import { type JsonDocument, type JsonValue } from './json-document';
import { JsonParseError } from './json-parse-error';
import { parseJson } from './json-parser';
import { currentNativeJson, describeNativeJson, useNativeJson } from './native-json';
import { PrettyJsonWriter } from './pretty-json-writer';

// The addon only accelerates: every answer must be byte-for-byte what the JavaScript path gives. These tests
// drive both paths over the same inputs (and fail if the addon was not built, unless it is switched off).

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function numberText(next: () => number): string {
  const r = next();
  const value = (next() - 0.5) * 10 ** Math.floor(next() * 14 - 4);
  if (r < 0.3) return value.toFixed(Math.floor(next() * 6)); // short decimals, the common tensor body
  if (r < 0.45) return String(Math.floor(value)); // integers, negatives, -0 cases below
  if (r < 0.6) return value.toPrecision(1 + Math.floor(next() * 17)); // up to 17 digits, some exponents
  if (r < 0.7) return String(value); // shortest round-trip doubles (16-17 digits)
  if (r < 0.75) return value.toExponential(Math.floor(next() * 8)).replace('e+', next() < 0.5 ? 'E' : 'e+');
  return [
    '0',
    '-0',
    '-0.0',
    '0.0',
    '1',
    '-1',
    'NaN',
    '-Infinity',
    'Inf',
    '123456789012345',
    '1234567890123456',
  ][Math.floor(next() * 11)];
}

type Outcome = { error: { reason: string; offset: number } } | { root: unknown; tape: unknown[] };

function outcome(text: string, native: boolean): Outcome {
  let doc: JsonDocument;
  try {
    doc = parseJson(Buffer.from(text), { native });
  } catch (error) {
    if (error instanceof JsonParseError) return { error: { reason: error.reason, offset: error.offset } };
    throw error;
  }
  // Object.is distinguishes -0 from 0 and matches NaN: the tape must be identical, not just equal.
  const tape = Array.from(doc.nums, (v, i) => [Object.is(v, -0) ? '-0' : v, doc.flags[i]]);
  const bigs = [...(doc.bigs ?? new Map())].map(([i, b]) => [i, String(b)]);
  return { root: doc.root as JsonValue, tape: [...tape, ...bigs] };
}

describe('native JSON addon', () => {
  const nativeJson = currentNativeJson();

  it('is built and loaded (node tools/scripts/build.mjs compiles it)', () => {
    expect(describeNativeJson()).toBe('on');
    expect(typeof nativeJson?.numberRun).toBe('function');
    expect(typeof nativeJson?.formatDecimals).toBe('function');
  });

  it('can be switched off (--native-json=off) and back on', () => {
    useNativeJson(false);
    try {
      expect(currentNativeJson()).toBeNull();
      expect(describeNativeJson()).toBe('off (--native-json=off)');
      expect(formatDecimals(new Float32Array([987930.5625]), 0, 1, true, ', ')).toBe('987930.562');
    } finally {
      useNativeJson(true);
    }
    expect(currentNativeJson()).toBe(nativeJson);
  });

  it('parses 3000 random number lists exactly as the JavaScript parser does', () => {
    const next = lcg(11);
    const separators = [',', ', ', ' ,', ',\n'];
    for (let k = 0; k < 3000; k++) {
      const n = Math.floor(next() * 40);
      const items = Array.from({ length: n }, () => numberText(next));
      const sep = next() < 0.8 ? ',' : separators[Math.floor(next() * separators.length)];
      const text =
        next() < 0.5 ? `[${items.join(sep)}]` : `{"instances": [[${items.join(sep)}], [${items.join(',')}]]}`;
      expect([text, outcome(text, true)]).toEqual([text, outcome(text, false)]);
    }
  });

  it('stops and reports malformed numbers at the same offsets as the JavaScript parser', () => {
    const cases = [
      '[1.]',
      '[1,2,3.,4]',
      '[0123]',
      '[1,-]',
      '[1,--2]',
      '[1,2',
      '[1,2,]',
      '[1e400]',
      '[1,2e]',
      '[1 ,2]',
    ];
    const next = lcg(5);
    for (let k = 0; k < 500; k++) {
      const items = Array.from({ length: 1 + Math.floor(next() * 8) }, () => numberText(next));
      const at = Math.floor(next() * items.length);
      items[at] = ['1.', '-', '00', '1.e5', '.5', '1e', '+1', '0x10', '1..2', '--1'][Math.floor(next() * 10)];
      cases.push(`[${items.join(',')}]`);
    }
    for (const text of cases) expect([text, outcome(text, true)]).toEqual([text, outcome(text, false)]);
  });

  it('fills a tape across its growth (runs longer than the parser scratch)', () => {
    const items = Array.from({ length: 9000 }, (_, i) => ((i * 7919) % 1000) / 997).map((v) => v.toFixed(4));
    const text = `[${items.join(',')},1e3,${items.join(',')}]`;
    const native = outcome(text, true);
    expect(native).toEqual(outcome(text, false));
    expect((native as { tape: unknown[] }).tape).toHaveLength(18001);
  });

  it('formats random floats and doubles exactly as the JavaScript formatter does', () => {
    const next = lcg(3);
    const bits = new Uint32Array(2);
    const f32 = new Float32Array(bits.buffer, 0, 1);
    const f64 = new Float64Array(bits.buffer);
    const floats = new Float32Array(20000);
    const doubles = new Float64Array(20000);
    for (let i = 0; i < 20000; i++) {
      bits[0] = Math.floor(next() * 2 ** 32);
      bits[1] = Math.floor(next() * 2 ** 32);
      floats[i] = i % 3 === 0 ? f32[0] : Math.fround(next() ** 3); // raw bit patterns and softmax-like values
      doubles[i] = i % 3 === 0 ? f64[0] : next() / 7;
    }
    floats.set([0, -0, NaN, Infinity, -Infinity, 3.4028234663852886e38, 1.401298464324817e-45, 1e-5, 999999]);
    doubles.set([0, -0, NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53, 0.1]);
    for (const sep of [', ', ',\n        ']) {
      expect(formatDecimals(floats, 0, 20000, true, sep)).toBe(
        formatDecimals(floats, 0, 20000, true, sep, false),
      );
      expect(formatDecimals(doubles, 0, 20000, false, sep)).toBe(
        formatDecimals(doubles, 0, 20000, false, sep, false),
      );
    }
    expect(formatDecimals(floats, 5, 3, true, '|')).toBe('3.40282347e+38|1.4013e-45|1e-05');
    expect(formatDecimals(floats, 0, 0, true, ', ')).toBe('');
  });

  it('rejects arguments it cannot use instead of reading out of bounds', () => {
    const format = nativeJson?.formatDecimals;
    expect(() => format?.(new Float32Array(2), 1, 2, true, ', ')).toThrow(/formatDecimals\(/);
    expect(() => format?.(new Int32Array(2) as unknown as Float32Array, 0, 1, true, ', ')).toThrow(
      /formatDecimals\(/,
    );
    expect(() =>
      nativeJson?.numberRun(Buffer.from('[1]'), new Float64Array(1), new Uint8Array(1), new Int32Array(1)),
    ).toThrow(/numberRun\(/);
  });
});

describe('PrettyJsonWriter.rawArray', () => {
  it.each([true, false])('writes the same bytes as raw() per element (single-line: %s)', (singleLine) => {
    const write = (rawArray: boolean): string => {
      const w = new PrettyJsonWriter();
      w.startObject();
      w.key('outputs');
      w.startArray();
      w.singleLineArrays = singleLine;
      for (const row of [['1.5', '2.0', 'NaN'], [], ['3.0']]) {
        if (rawArray) w.rawArray(row.length, (separator) => row.join(separator));
        else {
          w.startArray();
          for (const v of row) w.raw(v);
          w.endArray();
        }
      }
      w.singleLineArrays = false;
      w.endArray();
      w.endObject();
      return w.toString();
    };
    expect(write(true)).toBe(write(false));
  });
});
