import { crc32 } from 'node:zlib';
import { copyName, utf8Name } from '@infergate/inference-log-schema';
import { crc32c, nativeFrameChecksums } from './crc32c';

/**
 * On-disk framing of one spooled record, little-endian:
 *   u32 payloadLength | u32 checksum(payload) | payload
 *   payload = u8 format | u16 topicLength | topic (UTF-8) | f64 acceptedAt (epoch ms) | Avro value
 * The checksum covers the whole payload, so a torn tail after a crash or a flipped bit is detected and
 * skipped rather than produced to Kafka as garbage. Format 1 checksums with CRC-32C; format 2 with zlib's
 * CRC-32. Format 1 is written (again, from the tenth session on): the spool checksums a whole flush with
 * one call into the sinks' addon (sealFrames) and checks a whole read with one (verifiedFramesEnd), where
 * format 2, written by the versions between, cost two JavaScript-to-native calls and two Buffer views per
 * record (zlib's crc32 per frame, ~0.6 µs per logged request by the gateway's profile). Both are read.
 */
export const FRAME_HEADER_BYTES = 8;
const FORMAT = 1;
const FORMAT_ZLIB_CRC32 = 2;
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
  return FRAME_HEADER_BYTES + 1 + 2 + utf8Name(topic).length + 8 + valueLength;
}

/**
 * Writes a whole frame (frameLength bytes) at buf[at...], its value written by `write`, checksum included;
 * returns where it ends.
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
  const end = writeUnsealedFrame(buf, at, topic, acceptedAt, valueLength, write, value);
  buf.writeUInt32LE(crc32c(buf, at + FRAME_HEADER_BYTES, end), at + 4);
  return end;
}

/**
 * writeFrame without the checksum (left 0): for frames that sealFrames checksums later, all of a buffer
 * at once. The spool writes frames straight into its write buffer this way and seals it before writing.
 */
export function writeUnsealedFrame<T>(
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
  const name = utf8Name(topic);
  buf.writeUInt16LE(name.length, o);
  o = copyName(name, buf, o + 2);
  buf.writeDoubleLE(acceptedAt, o);
  o += 8;
  write(value, buf, o);
  const end = o + valueLength;
  buf.writeUInt32LE(end - start, at);
  buf.writeUInt32LE(0, at + 4);
  return end;
}

/**
 * Writes the checksum of every frame in buf[start, end) (whole frames of the format written now, end to
 * end); returns how many. Throws when the range is not such a run (a bug, never data from disk).
 */
export function sealFrames(buf: Buffer, start: number, end: number): number {
  return nativeFrameChecksums
    ? nativeFrameChecksums.sealFrames(buf, start, end)
    : sealFramesJs(buf, start, end);
}

/** sealFrames in JavaScript (without the addon; tests compare the two). */
export function sealFramesJs(buf: Buffer, start: number, end: number): number {
  let frames = 0;
  for (let at = start; at < end; frames++) {
    const length = wellFormedPayload(buf, at, end);
    if (length < 0) throw new Error('sealFrames: not a run of whole format-1 frames');
    buf.writeUInt32LE(crc32c(buf, at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + length), at + 4);
    at += FRAME_HEADER_BYTES + length;
  }
  return frames;
}

/**
 * Where the run of frames starting at buf[from] ends that are whole within buf[..end), of the format
 * written now, well formed and checksum-valid, after maxFrames of them at most (from itself when the first
 * is not). The spool's read checks
 * a batch's frames this way, one call for all, and falls back to checkFrame from where the run stops.
 */
export function verifiedFramesEnd(buf: Buffer, from: number, end: number, maxFrames: number): number {
  return nativeFrameChecksums
    ? nativeFrameChecksums.verifiedFramesEnd(buf, from, end, maxFrames)
    : verifiedFramesEndJs(buf, from, end, maxFrames);
}

/** verifiedFramesEnd in JavaScript (without the addon; tests compare the two). */
export function verifiedFramesEndJs(buf: Buffer, from: number, end: number, maxFrames: number): number {
  let at = from;
  for (let frames = 0; at < end && frames < maxFrames; frames++) {
    const length = wellFormedPayload(buf, at, end);
    if (length < 0) break;
    const start = at + FRAME_HEADER_BYTES;
    if (crc32c(buf, start, start + length) !== buf.readUInt32LE(at + 4)) break;
    at = start + length;
  }
  return at;
}

/** The payload length of the whole, well-formed frame of the format written now at buf[at], or -1. */
function wellFormedPayload(buf: Buffer, at: number, end: number): number {
  if (end - at < FRAME_HEADER_BYTES) return -1;
  const length = buf.readUInt32LE(at);
  if (length < 11 || length > MAX_PAYLOAD_BYTES || length > end - at - FRAME_HEADER_BYTES) return -1;
  const start = at + FRAME_HEADER_BYTES;
  if (buf[start] !== FORMAT) return -1;
  const topicLength = buf.readUInt16LE(start + 1);
  return topicLength > MAX_TOPIC_BYTES || 3 + topicLength + 8 > length ? -1 : length;
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
  if (format !== FORMAT && format !== FORMAT_ZLIB_CRC32) return FRAME_CORRUPT;
  const topicLength = buf.readUInt16LE(start + 1);
  const topicEnd = start + 3 + topicLength;
  if (topicLength > MAX_TOPIC_BYTES || topicEnd + 8 > end) return FRAME_CORRUPT;
  const checksum = format === FORMAT ? crc32c(buf, start, end) : crc32(buf.subarray(start, end));
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
