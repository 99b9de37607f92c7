import { currentNativeJson } from './native-json';

/**
 * TF Serving's WriteDecimal (util/json_tensor.cc): absl::StrCat's six significant digits (printf %g); when
 * that does not read back as the same value, %.9g for floats or %.17g for doubles; ".0" appended when the
 * text has neither '.' nor 'e'; non-finite values as the bare tokens NaN, Infinity and -Infinity.
 */
export function formatFloat(value: number): string {
  return formatDecimal(value, true);
}

export function formatDouble(value: number): string {
  return formatDecimal(value, false);
}

/**
 * WriteDecimal for data[start, start + count) joined by `separator`, in one native call when the addon is
 * loaded (printf's digits, as TF Serving writes them); `native` false forces the JavaScript path (tests
 * compare both).
 */
export function formatDecimals(
  data: Float32Array | Float64Array,
  start: number,
  count: number,
  isFloat: boolean,
  separator: string,
  native = true,
): string {
  const format = currentNativeJson()?.formatDecimals;
  if (native && format !== undefined) return format(data, start, count, isFloat, separator);
  let text = '';
  for (let i = 0; i < count; i++) {
    if (i > 0) text += separator;
    text += formatDecimal(data[start + i], isFloat);
  }
  return text;
}

function formatDecimal(value: number, isFloat: boolean): string {
  if (value !== value) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  let text = formatG(value, 6);
  const back = Number(text);
  if ((isFloat ? Math.fround(back) : back) !== value) text = formatG(value, isFloat ? 9 : 17);
  if (text.indexOf('.') < 0 && text.indexOf('e') < 0) text += '.0';
  return text;
}

/**
 * printf's %.<precision>g: the value rounded to `precision` significant digits (exact ties to the even
 * digit, as printf and absl do), trailing zeros stripped, exponent form when exp < -4 or exp >= precision.
 */
export function formatG(value: number, precision: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const { digits, exp } = roundToDigits(value, precision);
  const sign = value < 0 ? '-' : '';
  if (exp < -4 || exp >= precision) {
    const rest = stripZeros(digits.slice(1));
    const e = Math.abs(exp);
    return `${sign}${digits[0]}${rest ? '.' + rest : ''}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${stripZeros(digits)}`;
  const frac = stripZeros(digits.slice(exp + 1));
  return `${sign}${digits.slice(0, exp + 1)}${frac ? '.' + frac : ''}`;
}

/** |value| rounded to `precision` significant digits: the digits and the decimal exponent of the first. */
function roundToDigits(value: number, precision: number): { digits: string; exp: number } {
  // ECMAScript's toExponential rounds exact ties away from zero; printf rounds them to even. A tie shows
  // as one more digit ending in 5 that is the value exactly; keep the truncation when its last digit is even.
  const [mant, e] = splitExponential(Math.abs(value).toExponential(precision - 1));
  if (precision < 100) {
    const [longer, longerExp] = splitExponential(Math.abs(value).toExponential(precision));
    if (
      longer.charCodeAt(precision) === 0x35 &&
      (longer.charCodeAt(precision - 1) & 1) === 0 &&
      isExactly(Math.abs(value), BigInt(longer), longerExp - precision)
    ) {
      return { digits: longer.slice(0, precision), exp: longerExp };
    }
  }
  return { digits: mant, exp: e };
}

function splitExponential(text: string): [digits: string, exp: number] {
  const ePos = text.indexOf('e');
  const mant = text.slice(0, ePos);
  return [mant.length > 1 ? mant[0] + mant.slice(2) : mant, Number(text.slice(ePos + 1))];
}

const BITS = new DataView(new ArrayBuffer(8));

/** Whether the finite positive `value` equals digits × 10^exp10 exactly (value = m × 2^k, compared in BigInt). */
function isExactly(value: number, digits: bigint, exp10: number): boolean {
  BITS.setFloat64(0, value);
  const hi = BITS.getUint32(0);
  const biased = hi >>> 20;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(BITS.getUint32(4));
  let k = -1074;
  if (biased !== 0) {
    m |= 1n << 52n;
    k = biased - 1075;
  }
  let left = digits;
  let right = m;
  if (exp10 >= 0) left *= 10n ** BigInt(exp10);
  else right *= 10n ** BigInt(-exp10);
  if (k >= 0) right <<= BigInt(k);
  else left <<= BigInt(-k);
  return left === right;
}

function stripZeros(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x30) end--;
  return text.slice(0, end);
}
