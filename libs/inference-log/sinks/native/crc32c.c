/*
 * CRC-32C (Castagnoli) for Node (Node-API only): crc32c(bytes, start, end) -> uint32. Kafka checksums every
 * record batch with it, over the whole batch, and Node has none built in (zlib's crc32 is the IEEE one).
 * On x86-64 CPUs with SSE4.2 (checked at run time) the CPU's crc32 instruction does 8 bytes per
 * instruction; elsewhere a slicing-by-8 table, as the JavaScript fallback in src/crc32c.ts.
 *
 * Also the spool's frame checksums a whole buffer at a time (src/spool-record.ts has the frame layout and
 * the JavaScript equivalents): sealFrames(buf, start, end) writes the CRC-32C of every frame's payload into
 * its header; verifiedFramesEnd(buf, from, end, maxFrames) answers where the run of whole, well-formed
 * format-1 frames with matching checksums that starts at `from` ends (after maxFrames at most). One call per flush or per read instead of two per
 * record.
 */
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static uint32_t table[8][256];

static void init_table(void) {
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0x82f63b78u ^ (c >> 1) : c >> 1;
    table[0][n] = c;
  }
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = table[0][n];
    for (int k = 1; k < 8; k++) {
      c = table[0][c & 0xff] ^ (c >> 8);
      table[k][n] = c;
    }
  }
}

static uint32_t crc_table(uint32_t crc, const uint8_t *p, size_t n) {
  while (n >= 8) {
    uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
    crc = table[7][lo & 0xff] ^ table[6][(lo >> 8) & 0xff] ^ table[5][(lo >> 16) & 0xff] ^ table[4][lo >> 24] ^
          table[3][p[4]] ^ table[2][p[5]] ^ table[1][p[6]] ^ table[0][p[7]];
    p += 8;
    n -= 8;
  }
  while (n--) crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define HAVE_HW 1
__attribute__((target("sse4.2"))) static uint32_t crc_hw(uint32_t crc, const uint8_t *p, size_t n) {
  uint64_t c = crc;
  while (n >= 8) {
    uint64_t v;
    memcpy(&v, p, 8);
    c = _mm_crc32_u64(c, v);
    p += 8;
    n -= 8;
  }
  uint32_t c32 = (uint32_t)c;
  while (n--) c32 = _mm_crc32_u8(c32, *p++);
  return c32;
}
#endif

static uint32_t (*crc_impl)(uint32_t, const uint8_t *, size_t) = crc_table;

static napi_value Crc32c(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) {
    napi_throw_type_error(env, NULL, "crc32c(bytes, start, end)");
    return NULL;
  }
  bool is_typed;
  napi_is_typedarray(env, argv[0], &is_typed);
  if (!is_typed) {
    napi_throw_type_error(env, NULL, "crc32c: bytes must be a Uint8Array");
    return NULL;
  }
  napi_typedarray_type type;
  size_t length;
  void *data;
  napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL);
  int64_t start, end;
  if (type != napi_uint8_array || napi_get_value_int64(env, argv[1], &start) != napi_ok ||
      napi_get_value_int64(env, argv[2], &end) != napi_ok || start < 0 || end < start || (uint64_t)end > length) {
    napi_throw_range_error(env, NULL, "crc32c: need a Uint8Array and 0 <= start <= end <= length");
    return NULL;
  }
  uint32_t crc = crc_impl(0xffffffffu, (const uint8_t *)data + start, (size_t)(end - start)) ^ 0xffffffffu;
  napi_value result;
  napi_create_uint32(env, crc, &result);
  return result;
}

/* Frame layout (spool-record.ts): u32le length | u32le checksum | payload[length], payload = u8 format |
 * u16le topicLength | topic | f64 acceptedAt | value. */
#define FRAME_HEADER 8
#define FRAME_FORMAT_CRC32C 1
#define MAX_PAYLOAD (512u * 1024u * 1024u)
#define MAX_TOPIC (249u * 4u)

static inline uint32_t read_u32le(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The payload length of the well-formed format-1 frame at p (avail bytes readable), or 0. */
static uint32_t frame_payload(const uint8_t *p, size_t avail) {
  if (avail < FRAME_HEADER) return 0;
  uint32_t length = read_u32le(p);
  if (length < 11 || length > MAX_PAYLOAD || (size_t)length > avail - FRAME_HEADER) return 0;
  const uint8_t *payload = p + FRAME_HEADER;
  if (payload[0] != FRAME_FORMAT_CRC32C) return 0;
  uint32_t topic = (uint32_t)payload[1] | (uint32_t)payload[2] << 8;
  if (topic > MAX_TOPIC || 3u + topic + 8u > length) return 0;
  return length;
}

/* Reads (buf: Uint8Array, start, end) into data/start/end; false (with a pending exception) otherwise. */
static bool range_args(napi_env env, napi_callback_info info, const char *name, uint8_t **data, int64_t *start,
                       int64_t *end) {
  size_t argc = 3;
  napi_value argv[3];
  bool is_typed = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
      napi_is_typedarray(env, argv[0], &is_typed) != napi_ok || !is_typed) {
    napi_throw_type_error(env, NULL, name);
    return false;
  }
  napi_typedarray_type type;
  size_t length;
  void *raw;
  napi_get_typedarray_info(env, argv[0], &type, &length, &raw, NULL, NULL);
  if (type != napi_uint8_array || napi_get_value_int64(env, argv[1], start) != napi_ok ||
      napi_get_value_int64(env, argv[2], end) != napi_ok || *start < 0 || *end < *start ||
      (uint64_t)*end > length) {
    napi_throw_range_error(env, NULL, name);
    return false;
  }
  *data = (uint8_t *)raw;
  return true;
}

static napi_value SealFrames(napi_env env, napi_callback_info info) {
  uint8_t *data;
  int64_t start, end;
  if (!range_args(env, info, "sealFrames(bytes, start, end): a Uint8Array and 0 <= start <= end <= length",
                  &data, &start, &end))
    return NULL;
  uint32_t frames = 0;
  int64_t at = start;
  while (at < end) {
    uint32_t length = frame_payload(data + at, (size_t)(end - at));
    if (length == 0) {
      napi_throw_error(env, NULL, "sealFrames: not a run of whole format-1 frames");
      return NULL;
    }
    uint8_t *p = data + at;
    uint32_t crc = crc_impl(0xffffffffu, p + FRAME_HEADER, length) ^ 0xffffffffu;
    p[4] = (uint8_t)crc;
    p[5] = (uint8_t)(crc >> 8);
    p[6] = (uint8_t)(crc >> 16);
    p[7] = (uint8_t)(crc >> 24);
    at += FRAME_HEADER + (int64_t)length;
    frames++;
  }
  napi_value result;
  napi_create_uint32(env, frames, &result);
  return result;
}

static napi_value VerifiedFramesEnd(napi_env env, napi_callback_info info) {
  uint8_t *data;
  int64_t start, end;
  if (!range_args(env, info,
                  "verifiedFramesEnd(bytes, from, end, maxFrames): a Uint8Array and 0 <= from <= end <= length",
                  &data, &start, &end))
    return NULL;
  size_t argc = 4;
  napi_value argv[4];
  int64_t max_frames = -1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 4 || napi_get_value_int64(env, argv[3], &max_frames) != napi_ok || max_frames < 0) {
    napi_throw_range_error(env, NULL, "verifiedFramesEnd: maxFrames must be a number >= 0");
    return NULL;
  }
  int64_t at = start;
  for (int64_t frames = 0; at < end && frames < max_frames; frames++) {
    uint32_t length = frame_payload(data + at, (size_t)(end - at));
    if (length == 0) break;
    const uint8_t *p = data + at;
    uint32_t crc = crc_impl(0xffffffffu, p + FRAME_HEADER, length) ^ 0xffffffffu;
    if (crc != read_u32le(p + 4)) break;
    at += FRAME_HEADER + (int64_t)length;
  }
  napi_value result;
  napi_create_int64(env, at, &result);
  return result;
}

NAPI_MODULE_INIT() {
  init_table();
#ifdef HAVE_HW
  __builtin_cpu_init();
  if (__builtin_cpu_supports("sse4.2")) crc_impl = crc_hw;
#endif
  napi_value fn, hw;
  if (napi_create_function(env, "crc32c", NAPI_AUTO_LENGTH, Crc32c, NULL, &fn) != napi_ok) return NULL;
  napi_set_named_property(env, exports, "crc32c", fn);
  if (napi_create_function(env, "sealFrames", NAPI_AUTO_LENGTH, SealFrames, NULL, &fn) != napi_ok) return NULL;
  napi_set_named_property(env, exports, "sealFrames", fn);
  if (napi_create_function(env, "verifiedFramesEnd", NAPI_AUTO_LENGTH, VerifiedFramesEnd, NULL, &fn) != napi_ok)
    return NULL;
  napi_set_named_property(env, exports, "verifiedFramesEnd", fn);
  napi_get_boolean(env, crc_impl != crc_table, &hw);
  napi_set_named_property(env, exports, "hardware", hw);
  return exports;
}
