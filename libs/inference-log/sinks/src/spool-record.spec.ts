import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { crc32c, nativeFrameChecksums } from './crc32c';
import {
  FRAME_HEADER_BYTES,
  encodeFrame,
  frameLength,
  parseFrame,
  sealFrames,
  sealFramesJs,
  verifiedFramesEnd,
  verifiedFramesEndJs,
  writeUnsealedFrame,
} from './spool-record';

/** A frame as the versions between wrote it: format byte 2, zlib's CRC-32 over the payload. */
function zlibFrame(topic: string, acceptedAt: number, value: Buffer): Buffer {
  const frame = encodeFrame(topic, acceptedAt, value);
  frame[FRAME_HEADER_BYTES] = 2;
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 4);
  return frame;
}

const copyValue = (v: Buffer, buf: Buffer, at: number): void => {
  v.copy(buf, at);
};

/** `count` unsealed frames of random topics and values, end to end, and where each one starts. */
function unsealedRun(count: number, seed: number): { buf: Buffer; starts: number[] } {
  let s = seed;
  const next = (n: number) => (s = (s * 1103515245 + 12345) % 2147483648) % n;
  const frames = Array.from({ length: count }, () => ({
    topic: ['t', 'mnist-inf1234', 'é'.repeat(next(40))][next(3)]!,
    value: randomBytes(next(5) === 0 ? next(3000) : next(300)),
  }));
  const buf = Buffer.alloc(frames.reduce((n, f) => n + frameLength(f.topic, f.value.length), 0));
  const starts: number[] = [];
  let at = 0;
  for (const f of frames) {
    starts.push(at);
    at = writeUnsealedFrame(buf, at, f.topic, 1_700_000_000_000 + at, f.value.length, copyValue, f.value);
  }
  return { buf, starts };
}

describe('spool frames', () => {
  const value = Buffer.from([0x02, 0x0a, 0x6d, 0x6e, 0x69, 0x73, 0x74]);

  it('round-trips a record (format 1, CRC-32C), and reads frames of format 2 (zlib CRC-32)', () => {
    for (const frame of [encodeFrame('mnist-inf1234', 1700000000123, value), zlibFrame('t', 5, value)]) {
      const parsed = parseFrame(frame, 0);
      expect(parsed.kind).toBe('record');
      if (parsed.kind !== 'record') return;
      expect(parsed.next).toBe(frame.length);
      expect(Buffer.from(parsed.record.value)).toEqual(value);
    }
    const frame = encodeFrame('t', 5, value);
    expect(frame[FRAME_HEADER_BYTES]).toBe(1);
    expect(frame.readUInt32LE(4)).toBe(crc32c(frame, FRAME_HEADER_BYTES));
  });

  it('reports any flipped payload bit as corrupt, in both formats', () => {
    for (const make of [encodeFrame, zlibFrame]) {
      const frame = make('mnist-inf1234', 1700000000123, value);
      for (let byte = FRAME_HEADER_BYTES + 1; byte < frame.length; byte++) {
        const damaged = Buffer.from(frame);
        damaged[byte] ^= 0x10;
        expect([byte, parseFrame(damaged, 0).kind]).toEqual([byte, 'corrupt']);
      }
    }
  });

  it('seals a buffer of frames in one pass to the frames encodeFrame writes, natively and in JavaScript', () => {
    // The addon is built by the test command; without it both functions are the JavaScript ones.
    expect(nativeFrameChecksums).not.toBeNull();
    for (const [seed, count] of [
      [1, 1],
      [2, 300],
      [3, 40],
    ] as const) {
      const { buf, starts } = unsealedRun(count, seed);
      expect(parseFrame(buf, 0).kind).toBe('corrupt'); // unsealed: checksum 0
      const js = Buffer.from(buf);
      expect(sealFrames(buf, 0, buf.length)).toBe(count);
      expect(sealFramesJs(js, 0, js.length)).toBe(count);
      expect(buf.equals(js)).toBe(true);
      for (const [i, at] of starts.entries()) {
        const parsed = parseFrame(buf, at);
        expect([i, parsed.kind]).toEqual([i, 'record']);
        if (parsed.kind !== 'record') continue;
        const { topic, acceptedAt, value: v } = parsed.record;
        const again = encodeFrame(topic, acceptedAt, Buffer.from(v));
        expect(buf.subarray(at, parsed.next).equals(again)).toBe(true);
      }
    }
    // Not a run of whole frames of the format written now: refused, by both.
    const { buf } = unsealedRun(3, 4);
    for (const seal of [sealFrames, sealFramesJs]) {
      expect(() => seal(buf, 0, buf.length - 1)).toThrow(/not a run of whole format-1 frames/);
      const old = Buffer.concat([buf, zlibFrame('t', 1, value)]);
      expect(() => seal(old, 0, old.length)).toThrow(/not a run of whole format-1 frames/);
    }
  });

  it('finds where a run of valid frames ends (a flipped bit, a torn tail, an older frame, the frame limit)', () => {
    const { buf, starts } = unsealedRun(50, 7);
    sealFrames(buf, 0, buf.length);
    const older = zlibFrame('t', 9, value);
    const both = (b: Buffer, from: number, end: number, max: number): number => {
      const native = verifiedFramesEnd(b, from, end, max);
      expect(verifiedFramesEndJs(b, from, end, max)).toBe(native);
      return native;
    };
    expect(both(buf, 0, buf.length, 1000)).toBe(buf.length);
    expect(both(buf, starts[10]!, buf.length, 1000)).toBe(buf.length);
    expect(both(buf, 0, buf.length, 20)).toBe(starts[20]);
    expect(both(buf, 0, buf.length, 0)).toBe(0);
    // A torn tail: the last frame cut short stops the run before it.
    expect(both(buf, 0, buf.length - 1, 1000)).toBe(starts[49]);
    // A flipped bit anywhere in frame 30 (header or payload) stops the run at frame 30.
    for (let byte = starts[30]!; byte < starts[31]!; byte += 3) {
      const damaged = Buffer.from(buf);
      damaged[byte] ^= 0x04;
      expect([byte, both(damaged, 0, damaged.length, 1000)]).toEqual([byte, starts[30]]);
    }
    // A frame of the older format (valid, read one by one by checkFrame) stops it too.
    const mixed = Buffer.concat([buf.subarray(0, starts[5]!), older, buf.subarray(starts[5]!)]);
    expect(both(mixed, 0, mixed.length, 1000)).toBe(starts[5]);
    expect(parseFrame(mixed, starts[5]!).kind).toBe('record');
  });
});
