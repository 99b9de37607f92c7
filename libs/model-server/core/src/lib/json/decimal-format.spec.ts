import { spawnSync } from 'node:child_process';
import { formatDouble, formatFloat, formatG } from './decimal-format';

describe('TF Serving float formatting', () => {
  it('matches the examples of json_tensor_test', () => {
    const f32 = (v: number) => formatFloat(Math.fround(v));
    expect([9e6, 999999, 0.5, 0.0003, 3e-5, 555557.5].map(f32)).toEqual([
      '9e+06',
      '999999.0',
      '0.5',
      '0.0003',
      '3e-05',
      '555557.5',
    ]);
    expect(f32(1435774380)).toBe('1.43577434e+09');
    expect(f32(-0)).toBe('-0.0');
    expect(f32(0.2)).toBe('0.2');
    expect(f32(3.5)).toBe('3.5');
  });

  it('falls back to %.9g / %.17g when six digits do not round-trip', () => {
    expect(formatFloat(Math.fround(0.1234567))).toBe('0.123456702');
    expect(formatDouble(0.1)).toBe('0.1');
    expect(formatDouble(0.1234567)).toBe('0.1234567');
    expect(formatDouble(1 / 3)).toBe('0.33333333333333331');
    expect(formatDouble(1e100)).toBe('1e+100');
    expect(formatDouble(123456789)).toBe('123456789.0');
  });

  it('writes non-finite values as bare tokens', () => {
    expect([NaN, Infinity, -Infinity].map(formatFloat)).toEqual(['NaN', 'Infinity', '-Infinity']);
    expect([NaN, Infinity, -Infinity].map(formatDouble)).toEqual(['NaN', 'Infinity', '-Infinity']);
  });

  it('implements printf %g', () => {
    expect(formatG(100000, 6)).toBe('100000');
    expect(formatG(1000000, 6)).toBe('1e+06');
    expect(formatG(999999.5, 6)).toBe('1e+06');
    expect(formatG(0.0001, 6)).toBe('0.0001');
    expect(formatG(0.00001234, 6)).toBe('1.234e-05');
    expect(formatG(-2.5, 6)).toBe('-2.5');
  });

  it('rounds exact ties to the even digit as printf and absl do (ECMAScript rounds them up)', () => {
    // Expected texts are glibc printf's (and Python's '%.*g'); toPrecision gives 123457, 0.563, ...
    const cases: [number, number, string][] = [
      [123456.5, 6, '123456'],
      [123457.5, 6, '123458'],
      [0.5625, 3, '0.562'],
      [987930.5625, 9, '987930.562'],
      [1664490.125, 9, '1664490.12'],
      [-2.5, 1, '-2'],
      [9.5, 1, '1e+01'],
      [999999.5, 6, '1e+06'],
    ];
    for (const [value, precision, text] of cases)
      expect([value, formatG(value, precision)]).toEqual([value, text]);
    expect(formatFloat(Math.fround(987930.5625))).toBe('987930.562');
  });
});

describe('formatG against a reference %g', () => {
  // The reference is Python's '%.*g' (correctly rounded, exact ties to even, like glibc's printf), run once
  // over every value.
  function referenceG(values: number[], precisions: number[]): string[] {
    const script =
      'import json,sys\nvalues, precisions = json.load(sys.stdin)\n' +
      'print(json.dumps([("%.*g" % (p, v)).replace("inf", "Infinity") for v in values for p in precisions]))';
    const result = spawnSync('python3', ['-c', script], { input: JSON.stringify([values, precisions]) });
    if (result.status !== 0) throw new Error(`python3: ${result.stderr}`);
    return JSON.parse(result.stdout.toString()) as string[];
  }

  it('agrees on random and boundary values', () => {
    const values = [
      1e-4, 9.99999e-5, 0.000099999951, 1e-5, 1.5e-6, 1e-7, 123456.5, 999999.5, 1941121108829975.25, 1e21,
      1e-300, 5e-324, 1.7976931348623157e308,
    ];
    let seed = 7;
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const mag = (seed % 40) - 20;
      values.push(((seed / 2147483648) * 2 - 1) * 10 ** mag);
    }
    const expected = referenceG(values, [6, 9, 17]);
    const actual = values.flatMap((v) => [6, 9, 17].map((p) => formatG(v, p)));
    expect(actual).toEqual(expected);
  });
});
