import { crc32c } from './crc32c';
import { FRAME_HEADER_BYTES, encodeFrame, parseFrame } from './spool-record';

/** A frame as versions before format 2 wrote it: format byte 1, CRC-32C over the payload. */
function legacyFrame(topic: string, acceptedAt: number, value: Buffer): Buffer {
  const frame = encodeFrame(topic, acceptedAt, value);
  frame[FRAME_HEADER_BYTES] = 1;
  frame.writeUInt32LE(crc32c(frame, FRAME_HEADER_BYTES), 4);
  return frame;
}

describe('spool frames', () => {
  const value = Buffer.from([0x02, 0x0a, 0x6d, 0x6e, 0x69, 0x73, 0x74]);

  it('round-trips a record, and reads frames written by earlier versions (format 1, CRC-32C)', () => {
    for (const frame of [encodeFrame('mnist-inf1234', 1700000000123, value), legacyFrame('t', 5, value)]) {
      const parsed = parseFrame(frame, 0);
      expect(parsed.kind).toBe('record');
      if (parsed.kind !== 'record') return;
      expect(parsed.next).toBe(frame.length);
      expect(Buffer.from(parsed.record.value)).toEqual(value);
    }
    expect(encodeFrame('t', 5, value)[FRAME_HEADER_BYTES]).toBe(2);
  });

  it('reports any flipped payload bit as corrupt, in both formats', () => {
    for (const make of [encodeFrame, legacyFrame]) {
      const frame = make('mnist-inf1234', 1700000000123, value);
      for (let byte = FRAME_HEADER_BYTES + 1; byte < frame.length; byte++) {
        const damaged = Buffer.from(frame);
        damaged[byte] ^= 0x10;
        expect([byte, parseFrame(damaged, 0).kind]).toEqual([byte, 'corrupt']);
      }
    }
  });
});
