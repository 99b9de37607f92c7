// Native accelerators for the model server's JSON parser (libs/model-server/core/src/lib/json/json-parser.ts)
// and its float formatting (decimal-format.ts).
//
// numberRun(buf, nums, flags, state): parses a run of array elements `n1,n2,...` that are plain
// JSON numbers `-?int(.frac)?` of at most 15 digits onto the parser's number tape, exactly as the parser's
// JavaScript fast path does (same digits accepted, same IEEE double arithmetic: an exact integer mantissa
// divided once by an exact power of ten, which is correctly rounded in C as in JavaScript). Everything else
// (exponents, longer numbers, NaN/Infinity, malformed input) is left to the JavaScript parser, which owns
// rapidjson's error messages. Built by tools/scripts/build.mjs with the system C compiler against Node's own
// headers (Node-API, no dependencies); when it is absent the parser runs its JavaScript loop instead.
//
// state is an Int32Array [pos, count]: in, the offset of the first element and the tape's fill; out, where
// parsing stopped and the new fill. Returns why it stopped: 0 after a number not followed by `,` and the
// start of another number (the array's separator or end is the caller's), 1 at an element the fast format
// does not cover (pos is that element's start), 2 when the tape is full (pos is the next element's start).
//
// formatDecimals(data, start, count, isFloat, separator): TF Serving's WriteDecimal for `count` values of a
// Float32Array or Float64Array, joined by `separator`, in one string: printf's %g (six significant digits);
// when that does not read back as the same float (or double), %.9g (%.17g); ".0" appended when the text has
// neither '.' nor 'e'; NaN, Infinity, -Infinity as bare tokens. Floats are rounded in double arithmetic
// where that provably gives printf's digits (write_float_fast, ~10x cheaper than glibc's printf), and
// through printf and strtof otherwise (exact ties, scales beyond 10^44, doubles). printf and strtod depend on
// the C locale's decimal point: the function is only exported when that point is '.'.
//
// Compile without -ffast-math: the division must stay an IEEE division.
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#define NUM_INT 1
#define NUM_UINT 2
#define NUM_INT64 4
#define NUM_UINT64 8

static const double POW10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

static int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

static uint8_t int_flags(double v) {
  uint8_t f = NUM_INT64;
  if (v >= 0) f |= NUM_UINT64;
  if (v >= -2147483648.0 && v < 2147483648.0) f |= NUM_INT;
  if (v >= 0 && v < 4294967296.0) f |= NUM_UINT;
  return f;
}

static int typed_array(napi_env env, napi_value value, napi_typedarray_type want, void** data, size_t* length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, length, data, &buffer, &offset) != napi_ok) return 0;
  return type == want;
}

static napi_value number_run(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4) goto bad_args;
  uint8_t* buf;
  double* nums;
  uint8_t* flags;
  int32_t* state;
  size_t len, cap, flag_cap, state_len;
  if (!typed_array(env, argv[0], napi_uint8_array, (void**)&buf, &len) ||
      !typed_array(env, argv[1], napi_float64_array, (void**)&nums, &cap) ||
      !typed_array(env, argv[2], napi_uint8_array, (void**)&flags, &flag_cap) ||
      !typed_array(env, argv[3], napi_int32_array, (void**)&state, &state_len) || state_len < 2)
    goto bad_args;
  if (flag_cap < cap) cap = flag_cap;

  size_t p = (size_t)state[0];
  size_t count = (size_t)state[1];
  int reason;
  for (;;) {
    const size_t start = p;
    uint8_t c = p < len ? buf[p] : 0;
    const int minus = c == '-';
    if (minus) c = ++p < len ? buf[p] : 0;
    if (!is_digit(c)) {
      p = start;
      reason = 1;
      break;
    }
    uint64_t mantissa = (uint64_t)(c - '0');
    p++;
    if (mantissa != 0) {
      while (p < len && is_digit(c = buf[p])) {
        mantissa = mantissa * 10 + (uint64_t)(c - '0');
        p++;
      }
    }
    c = p < len ? buf[p] : 0;
    size_t frac = 0;
    if (c == '.') {
      const size_t frac_start = ++p;
      while (p < len && is_digit(c = buf[p])) {
        mantissa = mantissa * 10 + (uint64_t)(c - '0');
        p++;
      }
      frac = p - frac_start;
      c = p < len ? buf[p] : 0;
      if (frac == 0) {
        p = start;
        reason = 1;
        break;
      }
    }
    // At most 15 digits keep the mantissa exact (and below 2^53); an exponent needs the general path.
    if (c == 'e' || c == 'E' || p - start - (size_t)minus - (frac > 0 ? 1 : 0) > 15) {
      p = start;
      reason = 1;
      break;
    }
    if (count >= cap) {
      p = start;
      reason = 2;
      break;
    }
    if (frac > 0) {
      const double value = (double)mantissa / POW10[frac];
      nums[count] = minus ? -value : value;
      flags[count] = 0;
    } else if (minus && mantissa == 0) {
      nums[count] = 0; // rapidjson's -0 integer: the value 0, every integer test true
      flags[count] = NUM_INT | NUM_INT64 | NUM_UINT | NUM_UINT64;
    } else {
      const double value = minus ? -(double)mantissa : (double)mantissa;
      nums[count] = value;
      flags[count] = int_flags(value);
    }
    count++;
    const uint8_t next = p + 1 < len ? buf[p + 1] : 0;
    if (c != ',' || !(is_digit(next) || next == '-')) {
      reason = 0;
      break;
    }
    p++;
  }
  state[0] = (int32_t)p;
  state[1] = (int32_t)count;
  napi_value result;
  napi_create_int32(env, reason, &result);
  return result;

bad_args:
  napi_throw_type_error(env, NULL, "numberRun(buf: Uint8Array, nums: Float64Array, flags: Uint8Array, state: Int32Array)");
  return NULL;
}

static const double P10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// v * 10^q in double arithmetic (one or two roundings); 0 when q is out of the table's reach.
static double scale10(double v, int q) {
  if (q >= 0 && q <= 22) return v * P10[q];
  if (q < 0 && q >= -22) return v / P10[-q];
  if (q > 22 && q <= 44) return v * P10[q - 22] * P10[22];
  if (q < -22 && q >= -44) return v / P10[22] / P10[-q - 22];
  return 0;
}

// The positive finite v rounded to n (6 or 9) significant digits, computed in double: the digits as an
// integer in [10^(n-1), 10^n) and the decimal exponent of the first. Returns 0 when double arithmetic
// cannot decide the rounding (the scaled value within 1e-6 of a half, which covers exact ties) or the
// scale is out of reach; the caller then uses printf. The error of the scaled value is at most a few
// units of 2^-53 relative, under 1e-6 absolute for n <= 9.
static int round_to_digits(double v, int n, uint64_t* digits, int* exp10) {
  int e = (int)floor(log10(v));
  for (int attempt = 0; attempt < 2; attempt++) {
    const double x = scale10(v, n - 1 - e);
    if (x == 0) return 0;
    if (x < P10[n - 1]) { // log10 rounded up across a power of ten
      e--;
      continue;
    }
    if (x >= P10[n]) {
      e++;
      continue;
    }
    const double whole = floor(x);
    const double frac = x - whole;
    if (frac > 0.5 - 1e-6 && frac < 0.5 + 1e-6) return 0;
    uint64_t d = (uint64_t)whole + (frac > 0.5);
    if (d == (uint64_t)P10[n]) { // 9.999995 -> 10.0000
      d /= 10;
      e++;
    }
    *digits = d;
    *exp10 = e;
    return 1;
  }
  return 0;
}

// Whether the decimal digits x 10^(exp10 - n + 1) reads back (strtof) as the float v. Returns -1 when
// double arithmetic cannot decide (the decimal within a hair of half a float ulp from v).
static int reads_back_as_float(uint64_t digits, int exp10, int n, float v) {
  const int q = n - 1 - exp10;
  if (q > 22 || q < -22) return -1;
  const double back = q >= 0 ? (double)digits / P10[q] : (double)digits * P10[-q];
  if (back == (double)v) return 1;
  const float toward = nextafterf(v, back > (double)v ? INFINITY : -INFINITY);
  const double half_gap = fabs((double)toward - (double)v) / 2;
  const double distance = fabs(back - (double)v);
  if (distance < half_gap * (1 - 1e-9)) return 1;
  if (distance > half_gap * (1 + 1e-9)) return 0;
  return -1;
}

// printf's %.<n>g layout of digits x 10^(exp10 - n + 1) (sign written by the caller); returns the length.
static size_t layout_g(char* out, uint64_t digits, int exp10, int n) {
  char d[20];
  for (int i = n - 1; i >= 0; i--) {
    d[i] = (char)('0' + digits % 10);
    digits /= 10;
  }
  int last = n; // digits kept after stripping trailing zeros
  while (last > 1 && d[last - 1] == '0') last--;
  size_t len = 0;
  if (exp10 < -4 || exp10 >= n) {
    out[len++] = d[0];
    if (last > 1) {
      out[len++] = '.';
      memcpy(out + len, d + 1, (size_t)(last - 1));
      len += (size_t)(last - 1);
    }
    out[len++] = 'e';
    out[len++] = exp10 < 0 ? '-' : '+';
    const int a = exp10 < 0 ? -exp10 : exp10;
    if (a >= 100) out[len++] = (char)('0' + a / 100);
    out[len++] = (char)('0' + a / 10 % 10);
    out[len++] = (char)('0' + a % 10);
  } else if (exp10 < 0) {
    out[len++] = '0';
    out[len++] = '.';
    for (int i = 0; i < -exp10 - 1; i++) out[len++] = '0';
    memcpy(out + len, d, (size_t)last);
    len += (size_t)last;
  } else {
    memcpy(out + len, d, (size_t)exp10 + 1);
    len += (size_t)exp10 + 1;
    if (last > exp10 + 1) {
      out[len++] = '.';
      memcpy(out + len, d + exp10 + 1, (size_t)(last - exp10 - 1));
      len += (size_t)(last - exp10 - 1);
    }
  }
  return len;
}

// WriteDecimal for a float without printf, or 0 when a case needs printf's exact arithmetic.
static size_t write_float_fast(char* out, float value) {
  const double v = fabs((double)value);
  if (v == 0 || !isfinite(v)) return 0;
  size_t len = 0;
  if (value < 0) out[len++] = '-';
  uint64_t digits;
  int exp10;
  if (!round_to_digits(v, 6, &digits, &exp10)) return 0;
  const int same = reads_back_as_float(digits, exp10, 6, fabsf(value));
  if (same < 0) return 0;
  if (!same) {
    if (!round_to_digits(v, 9, &digits, &exp10)) return 0;
    len += layout_g(out + len, digits, exp10, 9);
  } else {
    len += layout_g(out + len, digits, exp10, 6);
  }
  if (!memchr(out, '.', len) && !memchr(out, 'e', len)) {
    out[len++] = '.';
    out[len++] = '0';
  }
  return len;
}

// Appends one value in WriteDecimal's format; returns the new length.
static size_t write_decimal(char* out, double value, int is_float) {
  if (value != value) return (size_t)sprintf(out, "NaN");
  if (value == 1.0 / 0.0) return (size_t)sprintf(out, "Infinity");
  if (value == -1.0 / 0.0) return (size_t)sprintf(out, "-Infinity");
  if (is_float) {
    const size_t fast = write_float_fast(out, (float)value);
    if (fast > 0) return fast;
  }
  int n = snprintf(out, 32, "%g", value);
  // TF Serving reads the text back as its own type (absl::SimpleAtof / SimpleAtod).
  const int same = is_float ? (double)strtof(out, NULL) == value : strtod(out, NULL) == value;
  if (!same) n = snprintf(out, 32, is_float ? "%.9g" : "%.17g", value);
  if (!memchr(out, '.', (size_t)n) && !memchr(out, 'e', (size_t)n)) {
    out[n++] = '.';
    out[n++] = '0';
  }
  return (size_t)n;
}

static napi_value format_decimals(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5) goto bad_args;
  napi_typedarray_type type;
  size_t length, offset;
  void* data;
  napi_value buffer;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, &buffer, &offset) != napi_ok ||
      (type != napi_float32_array && type != napi_float64_array))
    goto bad_args;
  int64_t start, count;
  bool is_float;
  char separator[16];
  size_t separator_len;
  if (napi_get_value_int64(env, argv[1], &start) != napi_ok || napi_get_value_int64(env, argv[2], &count) != napi_ok ||
      napi_get_value_bool(env, argv[3], &is_float) != napi_ok ||
      napi_get_value_string_latin1(env, argv[4], separator, sizeof separator, &separator_len) != napi_ok ||
      start < 0 || count < 0 || (uint64_t)(start + count) > length)
    goto bad_args;
  // Each value takes at most 24 bytes (%.17g of a negative double with a 3-digit exponent, plus ".0").
  const size_t cap = (size_t)count * (32 + separator_len) + 1;
  char stack_text[4096];
  char* text = cap <= sizeof stack_text ? stack_text : malloc(cap);
  if (text == NULL) {
    napi_throw_error(env, NULL, "formatDecimals: out of memory");
    return NULL;
  }
  size_t n = 0;
  for (int64_t i = 0; i < count; i++) {
    if (i > 0) {
      memcpy(text + n, separator, separator_len);
      n += separator_len;
    }
    const double value = type == napi_float32_array ? (double)((float*)data)[start + i] : ((double*)data)[start + i];
    n += write_decimal(text + n, value, is_float);
  }
  napi_value result;
  napi_status status = napi_create_string_latin1(env, text, n, &result);
  if (text != stack_text) free(text);
  return status == napi_ok ? result : NULL;

bad_args:
  napi_throw_type_error(
      env, NULL, "formatDecimals(data: Float32Array | Float64Array, start, count, isFloat: boolean, separator: string)");
  return NULL;
}

static int export_function(napi_env env, napi_value exports, const char* name, napi_callback cb) {
  napi_value fn;
  return napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn) == napi_ok &&
         napi_set_named_property(env, exports, name, fn) == napi_ok;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  if (!export_function(env, exports, "numberRun", number_run)) return NULL;
  // printf/strtod follow the C locale's decimal point; format only where it is JSON's '.'.
  char probe[8];
  snprintf(probe, sizeof probe, "%g", 0.5);
  if (strcmp(probe, "0.5") == 0 && strtod("0.25", NULL) == 0.25 &&
      !export_function(env, exports, "formatDecimals", format_decimals))
    return NULL;
  return exports;
}
