import { randomBytes } from 'node:crypto';
import { crc32c, crc32cJs, describeCrc32c } from './crc32c';

/** The definition, bit by bit (reflected polynomial 0x82F63B78). */
function bitwise(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('uses the native addon (the build compiles it; on x86-64 with the CPU instruction)', () => {
    expect(describeCrc32c()).toMatch(/^native/);
    if (process.arch === 'x64') expect(describeCrc32c()).toBe('native (CPU crc32 instruction)');
  });

  it('gives the check value and agrees with the bit-wise definition, natively and in JavaScript', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32cJs(Buffer.from('123456789'))).toBe(0xe3069283);
    for (let n = 0; n < 400; n++) {
      // Lengths across the native threshold and the 8-byte stride, at unaligned offsets.
      const bytes = randomBytes(n < 300 ? n : n * 61);
      const start = n % 11;
      const end = Math.max(start, bytes.length - (n % 7));
      const expected = bitwise(bytes.subarray(start, end));
      expect(crc32c(bytes, start, end)).toBe(expected);
      expect(crc32cJs(bytes, start, end)).toBe(expected);
    }
  });

  it('reads a view at its own offset in a larger buffer', () => {
    const backing = randomBytes(4096);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 100, 1000);
    expect(crc32c(view)).toBe(bitwise(view));
  });

  it('rejects ranges outside the bytes instead of reading past them', () => {
    expect(() => crc32c(Buffer.alloc(100), 0, 200)).toThrow(RangeError);
    expect(() => crc32c(Buffer.alloc(100), 90, 10)).toThrow(RangeError);
  });
});
