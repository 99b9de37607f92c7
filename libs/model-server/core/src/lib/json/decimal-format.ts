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

/** printf's %.<precision>g: strip trailing zeros, exponent form when exp < -4 or exp >= precision. */
export function formatG(value: number, precision: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  // toPrecision already picks the exponent after rounding and uses exponent form for exp >= precision;
  // it differs from %g only below 1e-4 (it switches at 1e-6) and in how the exponent is written.
  let text = value.toPrecision(precision);
  let ePos = text.indexOf('e');
  if (ePos < 0) {
    const digits = text.charCodeAt(0) === 0x2d ? 3 : 2; // past "0." or "-0."
    if (!text.startsWith('0000', digits) || text.charCodeAt(digits - 2) !== 0x30) {
      return text.indexOf('.') >= 0 ? stripZeros(text) : text;
    }
    text = value.toExponential(precision - 1);
    ePos = text.indexOf('e');
  }
  let mant = text.slice(0, ePos);
  if (mant.indexOf('.') >= 0) mant = stripZeros(mant);
  const sign = text.charCodeAt(ePos + 1) === 0x2d ? '-' : '+';
  const exp = text.slice(ePos + 2);
  return `${mant}e${sign}${exp.length < 2 ? '0' : ''}${exp}`;
}

function stripZeros(text: string): string {
  let end = text.length;
  while (text.charCodeAt(end - 1) === 0x30) end--;
  if (text.charCodeAt(end - 1) === 0x2e) end--;
  return text.slice(0, end);
}
