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
  const expForm = value.toExponential(precision - 1);
  const ePos = expForm.indexOf('e');
  const exp = +expForm.slice(ePos + 1);
  if (exp < -4 || exp >= precision) {
    let mant = expForm.slice(0, ePos);
    if (mant.indexOf('.') >= 0) mant = stripZeros(mant);
    const absExp = exp < 0 ? -exp : exp;
    return `${mant}e${exp < 0 ? '-' : '+'}${absExp < 10 ? '0' : ''}${absExp}`;
  }
  const fixed = value.toFixed(precision - 1 - exp);
  return fixed.indexOf('.') >= 0 ? stripZeros(fixed) : fixed;
}

function stripZeros(text: string): string {
  let end = text.length;
  while (text.charCodeAt(end - 1) === 0x30) end--;
  if (text.charCodeAt(end - 1) === 0x2e) end--;
  return text.slice(0, end);
}
