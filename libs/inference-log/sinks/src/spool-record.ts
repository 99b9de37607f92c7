import { crc32 } from 'node:zlib';
import { crc32c } from './crc32c';

/**
 * On-disk framing of one spooled record, little-endian:
 *   u32 payloadLength | u32 checksum(payload) | payload
 *   payload = u8 format | u16 topicLength | topic (UTF-8) | f64 acceptedAt (epoch ms) | Avro value
 * The checksum covers the whole payload, so a torn tail after a crash or a flipped bit is detected and
 * skipped rather than produced to Kafka as garbage. Format 2 (written now) checksums with zlib's native
 * CRC-32; format 1 (spools left by earlier versions, still read) with CRC-32C computed in JavaScript,
 * which cost ~2% of the gateway's CPU per logged request (once on write, once on read).
 */
export const FRAME_HEADER_BYTES = 8;
const FORMAT_CRC32C = 1;
const FORMAT = 2;
/** A length field above this is certainly corruption (MAX_REQUEST_BYTES is 32 MiB by default). */
export const MAX_PAYLOAD_BYTES = 512 * 1024 * 1024;
/** Kafka topic names are at most 249 characters. */
const MAX_TOPIC_BYTES = 249 * 4;

export interface SpoolRecord {
  readonly topic: string;
  readonly acceptedAt: number;
  readonly value: Buffer;
}

export function encodeFrame(topic: string, acceptedAt: number, value: Buffer): Buffer {
  return encodeFrameWith(topic, acceptedAt, value.length, (frame, at) => value.copy(frame, at));
}

/** encodeFrame for a value written straight into the frame by `writeValue` (valueLength bytes at `at`). */
export function encodeFrameWith(
  topic: string,
  acceptedAt: number,
  valueLength: number,
  writeValue: (frame: Buffer, at: number) => void,
): Buffer {
  const topicBytes = Buffer.byteLength(topic);
  const payloadLength = 1 + 2 + topicBytes + 8 + valueLength;
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadLength);
  let o = FRAME_HEADER_BYTES;
  frame.writeUInt8(FORMAT, o++);
  frame.writeUInt16LE(topicBytes, o);
  o += 2;
  o += frame.write(topic, o, 'utf8');
  frame.writeDoubleLE(acceptedAt, o);
  o += 8;
  writeValue(frame, o);
  frame.writeUInt32LE(payloadLength, 0);
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 4);
  return frame;
}

export type FrameParse =
  | { readonly kind: 'record'; readonly record: SpoolRecord; readonly next: number }
  /** The frame runs past the end of `buf`: read more, or (at the end of a sealed segment) a torn tail. */
  | { readonly kind: 'incomplete'; readonly needed: number }
  | { readonly kind: 'corrupt' };

export function parseFrame(buf: Buffer, at: number): FrameParse {
  if (buf.length - at < FRAME_HEADER_BYTES) return { kind: 'incomplete', needed: FRAME_HEADER_BYTES };
  const length = buf.readUInt32LE(at);
  if (length < 11 || length > MAX_PAYLOAD_BYTES) return { kind: 'corrupt' };
  const end = at + FRAME_HEADER_BYTES + length;
  if (end > buf.length) return { kind: 'incomplete', needed: FRAME_HEADER_BYTES + length };
  const start = at + FRAME_HEADER_BYTES;
  // Cheap structural checks first: resync() calls this at every byte offset of a damaged region.
  const format = buf[start];
  if (format !== FORMAT && format !== FORMAT_CRC32C) return { kind: 'corrupt' };
  const topicLength = buf.readUInt16LE(start + 1);
  const topicEnd = start + 3 + topicLength;
  if (topicLength > MAX_TOPIC_BYTES || topicEnd + 8 > end) return { kind: 'corrupt' };
  const checksum = format === FORMAT ? crc32(buf.subarray(start, end)) : crc32c(buf, start, end);
  if (checksum !== buf.readUInt32LE(at + 4)) return { kind: 'corrupt' };
  const topic = buf.toString('utf8', start + 3, topicEnd);
  const acceptedAt = buf.readDoubleLE(topicEnd);
  return { kind: 'record', record: { topic, acceptedAt, value: buf.subarray(topicEnd + 8, end) }, next: end };
}

/** The next offset after `from` where a whole, checksum-valid frame starts, or -1. */
export function resync(buf: Buffer, from: number): number {
  for (let at = from; at + FRAME_HEADER_BYTES <= buf.length; at++) {
    if (parseFrame(buf, at).kind === 'record') return at;
  }
  return -1;
}

export interface SegmentScan {
  readonly records: SpoolRecord[];
  readonly offsets: number[];
  readonly corruptRegions: number;
  readonly corruptBytes: number;
}

/** Parses a whole segment from `from`, skipping corrupt regions and a torn tail (counted). */
export function scanSegment(buf: Buffer, from = 0): SegmentScan {
  const records: SpoolRecord[] = [];
  const offsets: number[] = [];
  let corruptRegions = 0;
  let corruptBytes = 0;
  let at = from;
  while (at < buf.length) {
    const parsed = parseFrame(buf, at);
    if (parsed.kind === 'record') {
      records.push(parsed.record);
      offsets.push(at);
      at = parsed.next;
      continue;
    }
    // A torn tail is 'incomplete' at the end of the file; a damaged length field can look the same, so
    // both look for the next valid frame before giving up on the rest of the segment.
    const next = resync(buf, at + 1);
    const skipTo = next < 0 ? buf.length : next;
    corruptRegions++;
    corruptBytes += skipTo - at;
    at = skipTo;
  }
  return { records, offsets, corruptRegions, corruptBytes };
}
