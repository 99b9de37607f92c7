import path from 'node:path';

// CRC-32C (Castagnoli), which Kafka's record batches carry and spool frames of format 1 (written by earlier
// versions) were checked with. Node has no built-in CRC-32C (zlib.crc32 is the IEEE CRC-32). The native
// addon (native/crc32c.c, built by tools/scripts/build.mjs) uses the CPU's crc32 instruction where there is
// one; this file's slicing-by-8 (eight table lookups per 8 bytes, about 3x the byte-wise loop in V8) is the
// fallback, and computes short inputs, for which the call into the addon costs more than the loop.

/** The spool's whole-buffer frame checksums (see spool-record.ts, which has the JavaScript equivalents). */
export interface NativeFrameChecksums {
  sealFrames(bytes: Uint8Array, start: number, end: number): number;
  verifiedFramesEnd(bytes: Uint8Array, from: number, end: number, maxFrames: number): number;
}

interface NativeCrc32c extends NativeFrameChecksums {
  crc32c(bytes: Uint8Array, start: number, end: number): number;
  readonly hardware: boolean;
}

/** Where the build puts the addon, relative to this file in the sources and in dist/ alike. */
export const NATIVE_CRC32C_FILE = path.join(__dirname, '../native/build/crc32c.node');
const NATIVE_MIN_BYTES = 256;

function loadNative(): NativeCrc32c | null {
  try {
    const module = { exports: {} as NativeCrc32c };
    process.dlopen(module, NATIVE_CRC32C_FILE);
    const { crc32c, sealFrames, verifiedFramesEnd } = module.exports;
    return [crc32c, sealFrames, verifiedFramesEnd].every((f) => typeof f === 'function')
      ? module.exports
      : null;
  } catch {
    return null;
  }
}

const native = loadNative();

/** The addon's frame checksums, or null when the addon did not load (spool-record.ts then uses its own). */
export const nativeFrameChecksums: NativeFrameChecksums | null = native;

/** For logs and tests: which implementation computes inputs of NATIVE_MIN_BYTES and more. */
export function describeCrc32c(): string {
  if (!native) return 'JavaScript (slicing-by-8)';
  return native.hardware ? 'native (CPU crc32 instruction)' : 'native (slicing-by-8)';
}

export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  if (!(start >= 0 && start <= end && end <= bytes.length))
    throw new RangeError(`crc32c: range ${start}..${end} is outside ${bytes.length} bytes`);
  if (native !== null && end - start >= NATIVE_MIN_BYTES) return native.crc32c(bytes, start, end);
  return crc32cJs(bytes, start, end);
}

const TABLES = (() => {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

/** The JavaScript implementation alone (the fallback; tests compare it with the addon). */
export function crc32cJs(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = TABLES;
  let crc = -1;
  let i = start;
  for (const last8 = end - 8; i <= last8; i += 8) {
    const lo = crc ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    crc =
      t[1792 + (lo & 0xff)]! ^
      t[1536 + ((lo >>> 8) & 0xff)]! ^
      t[1280 + ((lo >>> 16) & 0xff)]! ^
      t[1024 + (lo >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < end; i++) crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
