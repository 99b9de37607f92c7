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

/** Writes a value's bytes at buf[at...] (a frame's value is written in place, never copied in). */
export type ValueWriter<T> = (value: T, buf: Buffer, at: number) => void;

const copyBytes: ValueWriter<Buffer> = (value, buf, at) => {
  value.copy(buf, at);
};

export function encodeFrame(topic: string, acceptedAt: number, value: Buffer): Buffer {
  return encodeFrameWith(topic, acceptedAt, value.length, copyBytes, value);
}

/** encodeFrame for a value written straight into the frame by `write` (valueLength bytes). */
export function encodeFrameWith<T>(
  topic: string,
  acceptedAt: number,
  valueLength: number,
  write: ValueWriter<T>,
  value: T,
): Buffer {
  const frame = Buffer.allocUnsafe(frameLength(topic, valueLength));
  writeFrame(frame, 0, topic, acceptedAt, valueLength, write, value);
  return frame;
}

/** The bytes of a frame holding a value of `valueLength` bytes for `topic`. */
export function frameLength(topic: string, valueLength: number): number {
  return FRAME_HEADER_BYTES + 1 + 2 + Buffer.byteLength(topic) + 8 + valueLength;
}

/**
 * Writes a whole frame (frameLength bytes) at buf[at...], its value written by `write`; returns where it
 * ends. The spool writes frames straight into its write buffer this way.
 */
export function writeFrame<T>(
  buf: Buffer,
  at: number,
  topic: string,
  acceptedAt: number,
  valueLength: number,
  write: ValueWriter<T>,
  value: T,
): number {
  const start = at + FRAME_HEADER_BYTES;
  let o = start;
  buf[o++] = FORMAT;
  const topicBytes = buf.write(topic, o + 2, 'utf8');
  buf.writeUInt16LE(topicBytes, o);
  o += 2 + topicBytes;
  buf.writeDoubleLE(acceptedAt, o);
  o += 8;
  write(value, buf, o);
  const end = o + valueLength;
  buf.writeUInt32LE(end - start, at);
  buf.writeUInt32LE(crc32(buf.subarray(start, end)), at + 4);
  return end;
}

export type FrameParse =
  | { readonly kind: 'record'; readonly record: SpoolRecord; readonly next: number }
  /** The frame runs past the end of `buf`: read more, or (at the end of a sealed segment) a torn tail. */
  | { readonly kind: 'incomplete'; readonly needed: number }
  | { readonly kind: 'corrupt' };

export function parseFrame(buf: Buffer, at: number): FrameParse {
  const end = checkFrame(buf, at);
  if (end === FRAME_CORRUPT) return { kind: 'corrupt' };
  if (end === FRAME_INCOMPLETE) {
    const needed =
      buf.length - at < FRAME_HEADER_BYTES ? FRAME_HEADER_BYTES : FRAME_HEADER_BYTES + buf.readUInt32LE(at);
    return { kind: 'incomplete', needed };
  }
  const topicEnd = frameTopicEnd(buf, at);
  const topic = buf.toString('utf8', at + FRAME_TOPIC_OFFSET, topicEnd);
  const acceptedAt = buf.readDoubleLE(topicEnd);
  return { kind: 'record', record: { topic, acceptedAt, value: buf.subarray(topicEnd + 8, end) }, next: end };
}

/** checkFrame's answers other than a frame's end. */
export const FRAME_INCOMPLETE = -1;
export const FRAME_CORRUPT = -2;
/** Where a frame's topic starts, from the frame's start (header, then format and topic length). */
export const FRAME_TOPIC_OFFSET = FRAME_HEADER_BYTES + 3;

/**
 * Where the frame at buf[at] ends, when it is whole and its checksum matches; else FRAME_INCOMPLETE (it
 * runs past the end of `buf`) or FRAME_CORRUPT. Allocates nothing (the spool's delivery reads every
 * record through it).
 */
export function checkFrame(buf: Buffer, at: number): number {
  if (buf.length - at < FRAME_HEADER_BYTES) return FRAME_INCOMPLETE;
  const length = buf.readUInt32LE(at);
  if (length < 11 || length > MAX_PAYLOAD_BYTES) return FRAME_CORRUPT;
  const end = at + FRAME_HEADER_BYTES + length;
  if (end > buf.length) return FRAME_INCOMPLETE;
  const start = at + FRAME_HEADER_BYTES;
  // Cheap structural checks first: resync() calls this at every byte offset of a damaged region.
  const format = buf[start];
  if (format !== FORMAT && format !== FORMAT_CRC32C) return FRAME_CORRUPT;
  const topicLength = buf.readUInt16LE(start + 1);
  const topicEnd = start + 3 + topicLength;
  if (topicLength > MAX_TOPIC_BYTES || topicEnd + 8 > end) return FRAME_CORRUPT;
  const checksum = format === FORMAT ? crc32(buf.subarray(start, end)) : crc32c(buf, start, end);
  return checksum === buf.readUInt32LE(at + 4) ? end : FRAME_CORRUPT;
}

/** Where the topic of the (checked) frame at buf[at] ends: its acceptedAt follows, then the value. */
export function frameTopicEnd(buf: Buffer, at: number): number {
  return at + FRAME_TOPIC_OFFSET + buf.readUInt16LE(at + FRAME_HEADER_BYTES + 1);
}

/** The next offset after `from` where a whole, checksum-valid frame starts, or -1. */
export function resync(buf: Buffer, from: number): number {
  for (let at = from; at + FRAME_HEADER_BYTES <= buf.length; at++) {
    if (checkFrame(buf, at) >= 0) return at;
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
