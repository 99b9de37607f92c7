import { open, readdir, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { mkdirSync, read as readFd, write as writeFd } from 'node:fs';
import { join } from 'node:path';
import {
  checkFrame,
  FRAME_HEADER_BYTES,
  FRAME_TOPIC_OFFSET,
  frameLength,
  frameTopicEnd,
  parseFrame,
  resync,
  scanSegment,
  sealFrames,
  verifiedFramesEnd,
  writeUnsealedFrame,
  type ValueWriter,
} from './spool-record';
import type { ValueRun } from './value-run';

export type SpoolFsync = 'batch' | 'interval' | 'never';

/** Bytes held by several spools, kept up to date by each of them (see `ServingSpool.open`). */
export interface SpoolByteTally {
  bytes: number;
}

export interface ServingSpoolOptions {
  /** A segment is sealed once it holds this many bytes; fully acknowledged sealed segments are deleted. */
  readonly segmentBytes: number;
  readonly fsync: SpoolFsync;
  /**
   * cursor.json is rewritten at most this often (default 100 ms; 0 = after every acknowledgement). Each
   * rewrite is four file operations; under load acknowledgements arrive hundreds of times a second. A
   * crash re-sends at most this much of already acknowledged log (delivery is at-least-once anyway).
   */
  readonly cursorIntervalMs?: number;
}

const DEFAULT_CURSOR_INTERVAL_MS = 100;
/** The smallest write buffer a spool starts (64 KiB; the next one is sized by the last flush). */
const MIN_BUFFER_BYTES = 64 * 1024;
/** How long a serving that writes nothing keeps its spare write buffer (see `spare`). */
const SPARE_IDLE_MS = 1000;

interface Segment {
  readonly seq: number;
  readonly path: string;
  /** Bytes on disk (written and readable). */
  bytes: number;
  /** Valid records in the segment, and how many of them are acknowledged or given up. */
  records: number;
  settled: number;
  /** Written by an earlier process: its records count as replayed. */
  readonly previousRun: boolean;
}

interface Position {
  seq: number;
  offset: number;
}

/**
 * A run of consecutive records of one segment and one topic, produced as one Kafka request: their Avro
 * values (located in the frames as read, not copied) and when each was accepted (epoch ms), in order.
 */
export interface SpoolBatch {
  readonly topic: string;
  readonly values: ValueRun;
  readonly acceptedAt: Float64Array;
  readonly seq: number;
  readonly start: number;
  readonly end: number;
  readonly replayed: boolean;
  /**
   * The whole read-back buffer `values` views, when settle() may give it to the next read. Its bytes are
   * valid until the batch is settled: a transport must not keep them past its send's promise.
   */
  readonly readBuffer?: Buffer;
}

export interface SpoolCorruption {
  readonly regions: number;
  readonly bytes: number;
}

const SEGMENT = /^(\d{16})\.seg$/;
const segmentName = (seq: number): string => `${String(seq).padStart(16, '0')}.seg`;
const before = (a: Position, b: Position): boolean =>
  a.seq < b.seq || (a.seq === b.seq && a.offset < b.offset);

/**
 * One serving's durable spool: append-only segment files `<16-digit seq>.seg` in its own directory, and
 * `cursor.json` naming the acknowledged position. Records are appended by the request path into an
 * in-memory buffer and written by `flush()` (one write per flush); the delivery loop reads from the
 * spool, never from memory, so what Kafka receives is exactly what a restart would replay. A new
 * process never appends to an old segment (its tail may be torn); it starts the next one.
 */
export class ServingSpool {
  private readonly segments: Segment[] = [];
  private cursor: Position = { seq: 0, offset: 0 };
  private readPos: Position = { seq: 0, offset: 0 };
  /** While set, batches hold one record, to isolate a record Kafka refuses (e.g. too large). */
  private singlesUntil: Position | undefined;
  private active: { segment: Segment; handle: FileHandle } | undefined;
  private readHandle: { seq: number; handle: FileHandle } | undefined;
  /**
   * Frames appended and not yet written, at buffer[0, pendingBytes): encoded in place, so the request
   * path leaves no object per record behind it (a record waits here up to flushMs, long enough for the
   * young-generation GC to copy an object each record held). A flush hands the buffer to the write and
   * starts a new one.
   */
  private buffer: Buffer | undefined;
  /**
   * The buffer of the last finished write, for the next buffer: two alternate under load instead of a
   * fresh one per flush, whose pages the kernel would fault in anew (MNIST-sized records: thousands of
   * minor faults a second). Only buffers above MIN_BUFFER_BYTES; dropped by a flush with nothing to
   * write once the serving has written nothing for SPARE_IDLE_MS.
   */
  private spare: Buffer | undefined;
  private spareSince = 0;
  /**
   * The read-back buffer of the last settled batch, for the next read: under load with large records
   * (MNIST: 900 kB batches, tens a second) a fresh buffer per read was memory the kernel faulted in anew,
   * held until a GC found it, which raised the gateway's RSS peaks. Only a batch that Kafka acknowledged
   * gives its buffer back (its send has settled, so nothing reads those bytes any more); a read that finds
   * nothing lets it go.
   */
  private readSpare: Buffer | undefined;
  private pendingBytes = 0;
  private pendingRecords = 0;
  /** The size of the last flush: the next buffer's (a little more, at least MIN_BUFFER_BYTES). */
  private lastFlushBytes = 0;
  private flushChain: Promise<void> = Promise.resolve();
  private writingRecords = 0;
  /** `bytes`, kept as it changes: the pipeline's cap check reads it (through the tally) per record. */
  private total = 0;
  private tally: SpoolByteTally | undefined;
  private cursorWrite: Promise<void> | undefined;
  private cursorDirty = false;
  private cursorTimer: NodeJS.Timeout | undefined;
  private dirtySinceSync = false;
  private nextSeq = 1;
  /** Records in `inflight` batches (read, not yet settled), per segment seq. */
  private readonly inflight = new Map<number, number>();
  /** Scratch space of read(): the bounds and acceptance times of the batch being read. */
  private bounds = new Uint32Array(0);
  private times = new Float64Array(0);

  private constructor(
    readonly servingId: number,
    readonly servingName: string,
    readonly directory: string,
    private readonly options: ServingSpoolOptions,
  ) {}

  /**
   * Opens (or creates) a serving's spool, scanning what an earlier process left behind. With a tally, the
   * spool adds its `bytes` to it once open and every change after that.
   */
  static async open(
    directory: string,
    servingId: number,
    servingName: string,
    options: ServingSpoolOptions,
    tally?: SpoolByteTally,
  ): Promise<{ spool: ServingSpool; corruption: SpoolCorruption }> {
    mkdirSync(directory, { recursive: true });
    const spool = new ServingSpool(servingId, servingName, directory, options);
    await writeFile(join(directory, 'serving.json'), JSON.stringify({ servingId, servingName }));
    const cursor = await readCursor(join(directory, 'cursor.json'));
    const seqs = (await readdir(directory))
      .map((name) => SEGMENT.exec(name)?.[1])
      .filter((s): s is string => s !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    let regions = 0;
    let bytes = 0;
    for (const seq of seqs) {
      const path = join(directory, segmentName(seq));
      const data = await readFile(path);
      const from = cursor && cursor.seq === seq ? Math.min(cursor.offset, data.length) : 0;
      if ((cursor && seq < cursor.seq) || (cursor && seq === cursor.seq && from >= data.length)) {
        await rm(path, { force: true });
        continue;
      }
      const scan = scanSegment(data, from);
      regions += scan.corruptRegions;
      bytes += scan.corruptBytes;
      spool.segments.push({
        seq,
        path,
        bytes: data.length,
        records: scan.records.length,
        settled: 0,
        previousRun: true,
      });
      spool.total += data.length;
    }
    const first = spool.segments[0];
    if (first) {
      const start =
        cursor && cursor.seq === first.seq
          ? { seq: first.seq, offset: cursor.offset }
          : { seq: first.seq, offset: 0 };
      spool.cursor = { ...start };
      spool.readPos = { ...start };
    }
    spool.nextSeq = Math.max(seqs.at(-1) ?? 0, cursor?.seq ?? 0) + 1;
    if (!first) spool.cursor = spool.readPos = { seq: spool.nextSeq, offset: 0 };
    if (tally) {
      spool.tally = tally;
      tally.bytes += spool.total;
    }
    return { spool, corruption: { regions, bytes } };
  }

  /** Records accepted and not yet acknowledged (or given up), including the in-memory buffer. */
  get depth(): number {
    let n = this.pendingRecords + this.writingRecords;
    for (const s of this.segments) n += s.records - s.settled;
    return n;
  }

  /** Bytes the spool holds on disk plus the in-memory buffer. */
  get bytes(): number {
    return this.total;
  }

  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** True when written records are waiting to be read by the delivery loop. */
  get readable(): boolean {
    const last = this.segments.at(-1);
    return last !== undefined && before(this.readPos, { seq: last.seq, offset: last.bytes });
  }

  /** Buffers one framed record; `flush` writes it. Synchronous: the request path never waits on disk. */
  append(frame: Buffer): void {
    frame.copy(this.room(frame.length), this.pendingBytes);
    this.pendingBytes += frame.length;
    this.pendingRecords++;
    this.grow(frame.length);
  }

  /** As `append`, the frame encoded straight into the buffer, its checksum written at flush (sealFrames). */
  appendFrame<T>(
    topic: string,
    acceptedAt: number,
    valueLength: number,
    write: ValueWriter<T>,
    value: T,
  ): void {
    const buffer = this.room(frameLength(topic, valueLength));
    const end = writeUnsealedFrame(buffer, this.pendingBytes, topic, acceptedAt, valueLength, write, value);
    this.grow(end - this.pendingBytes);
    this.pendingBytes = end;
    this.pendingRecords++;
  }

  /** The buffer, with room for `bytes` more (grown by copying when it has not). */
  private room(bytes: number): Buffer {
    const needed = this.pendingBytes + bytes;
    const buffer = this.buffer;
    if (buffer !== undefined && buffer.length >= needed) return buffer;
    const size = Math.max(
      needed,
      MIN_BUFFER_BYTES,
      Math.ceil(this.lastFlushBytes * 1.25),
      (buffer?.length ?? 0) * 2,
    );
    const spare = this.spare;
    if (buffer === undefined && spare !== undefined) {
      this.spare = undefined;
      // Not required to reach `size` (the last flush's plus a quarter, a few bytes more or less each time):
      // a buffer that fills grows by copying, as a new one would. At most twice `size`: a spare left by a
      // burst is let go rather than kept for ever.
      if (spare.length >= needed && spare.length <= 2 * size) return (this.buffer = spare);
    }
    const grown = Buffer.allocUnsafeSlow(size);
    if (buffer !== undefined) buffer.copy(grown, 0, 0, this.pendingBytes);
    this.buffer = grown;
    return grown;
  }

  /**
   * Writes the buffer to the active segment as one write, sealing the segment at `segmentBytes`.
   * Resolves with the number of records written; on an I/O error the buffered records are lost and
   * reported to the caller (rejected), never retried into an unknown file state.
   */
  flush(): Promise<number> {
    const run = this.flushChain.then(() => this.writePending());
    this.flushChain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** fdatasync of the active segment if anything was written since the last one (fsync=interval). */
  async sync(): Promise<void> {
    await this.flushChain;
    if (this.active && this.dirtySinceSync) {
      this.dirtySinceSync = false;
      await this.active.handle.datasync();
    }
  }

  /** The next batch after the read position: at most `maxRecords`/`maxBytes` (one record at least). */
  async read(
    maxRecords: number,
    maxBytes: number,
  ): Promise<SpoolBatch | { corruption: SpoolCorruption } | null> {
    for (;;) {
      let segment = this.segments.find((s) => s.seq >= this.readPos.seq);
      if (!segment) return this.drained();
      if (segment.seq !== this.readPos.seq) this.readPos = { seq: segment.seq, offset: 0 };
      if (this.readPos.offset >= segment.bytes) {
        if (segment === this.active?.segment) return this.drained();
        const next = this.segments.find((s) => s.seq > segment!.seq);
        if (!next) return this.drained();
        this.readPos = { seq: next.seq, offset: 0 };
        segment = next;
        continue;
      }
      const singles = this.singlesUntil && before(this.readPos, this.singlesUntil);
      if (!singles) this.singlesUntil = undefined;
      const limit = singles ? 1 : maxRecords;
      let handle: FileHandle;
      try {
        handle = await this.readHandleFor(segment);
      } catch (error) {
        // Dropped at the cap (drop-oldest) while we were about to read it: move on to the next one.
        if (!this.segments.includes(segment)) continue;
        throw error;
      }
      const available = segment.bytes - this.readPos.offset;
      const cap = Math.max(maxBytes, MIN_BUFFER_BYTES);
      const wanted = Math.min(available, cap);
      // A kept buffer is cap bytes, so it fits every read of this size; smaller reads take it too.
      const spare = this.readSpare;
      this.readSpare = undefined;
      const target =
        spare !== undefined && spare.length >= wanted && spare.length <= cap
          ? spare
          : Buffer.allocUnsafe(wanted >= MIN_BUFFER_BYTES ? cap : wanted);
      let readBuffer: Buffer | undefined = target.length >= MIN_BUFFER_BYTES ? target : undefined;
      let buf = await readAt(handle, this.readPos.offset, wanted, target);
      let first = parseFrame(buf, 0);
      if (first.kind === 'incomplete' && buf.length < available) {
        buf = await readAt(handle, this.readPos.offset, Math.min(available, first.needed));
        readBuffer = undefined; // one oversized record: its buffer is not kept
        first = parseFrame(buf, 0);
      }
      // Dropped at the cap (drop-oldest) while we read it: its records were counted with it, and the read
      // position moved on to the next segment.
      if (!this.segments.includes(segment)) continue;
      if (first.kind !== 'record') {
        // Damaged region (torn tail after a crash, or a flipped bit): skip to the next valid frame.
        const rest = await readAt(handle, this.readPos.offset, available);
        if (!this.segments.includes(segment)) continue;
        const next = resync(rest, 1);
        const skipped = next < 0 ? rest.length : next;
        this.readPos = { seq: segment.seq, offset: this.readPos.offset + skipped };
        return { corruption: { regions: 1, bytes: skipped } };
      }
      // The rest of the batch without an object per record (a batch lives until Kafka acknowledges it):
      // frames checked in place, the topic compared as bytes with the first frame's, and each value's
      // bounds and acceptance time written into scratch arrays that are copied once, at the end.
      const bounds = this.scratchBounds(limit);
      const times = this.scratchTimes(limit);
      const topicStart = FRAME_TOPIC_OFFSET;
      const topicEnd = frameTopicEnd(buf, 0);
      bounds[0] = topicEnd + 8;
      bounds[1] = first.next;
      times[0] = first.record.acceptedAt;
      let count = 1;
      let at = first.next;
      // The frames after the first are checked in one call; from where that run stops (a frame of the
      // older format, a damaged one, the end of what was read), one by one.
      const verified = verifiedFramesEnd(buf, at, Math.min(buf.length, maxBytes), limit - 1);
      while (count < limit) {
        const end = at < verified ? at + FRAME_HEADER_BYTES + buf.readUInt32LE(at) : checkFrame(buf, at);
        if (end < 0 || end > maxBytes) break;
        const frameTopic = frameTopicEnd(buf, at);
        if (
          frameTopic - at !== topicEnd ||
          !sameBytes(buf, topicStart, at + topicStart, topicEnd - topicStart)
        )
          break;
        bounds[2 * count] = frameTopic + 8;
        bounds[2 * count + 1] = end;
        times[count] = buf.readDoubleLE(frameTopic);
        count++;
        at = end;
      }
      const batch: SpoolBatch = {
        topic: first.record.topic,
        values: { bytes: buf.subarray(0, at), bounds: bounds.slice(0, 2 * count), count },
        acceptedAt: times.slice(0, count),
        seq: segment.seq,
        start: this.readPos.offset,
        end: this.readPos.offset + at,
        replayed: segment.previousRun,
        ...(readBuffer !== undefined ? { readBuffer } : {}),
      };
      this.readPos = { seq: segment.seq, offset: batch.end };
      this.inflight.set(segment.seq, (this.inflight.get(segment.seq) ?? 0) + count);
      return batch;
    }
  }

  /** read()'s answer when there is nothing to read: the read-back spare goes with the load. */
  private drained(): null {
    this.readSpare = undefined;
    return null;
  }

  /**
   * Puts a batch back (its produce failed and will be retried): the next read starts at its first record
   * again, so that nothing of it stays in memory while delivery backs off. A read after appends may take
   * more records than the batch held; the order is the same. Returns false when the batch's segment was
   * dropped at the cap (drop-oldest) while it was in flight: its records are gone, for the caller to count.
   */
  unread(batch: SpoolBatch): boolean {
    this.releaseInflight(batch);
    if (!this.segments.some((s) => s.seq === batch.seq)) return false;
    const start = { seq: batch.seq, offset: batch.start };
    if (before(start, this.readPos)) this.readPos = start;
    return true;
  }

  /** Re-reads the batch's records one at a time (Kafka refused the batch as a whole). */
  splitIntoSingles(batch: SpoolBatch): void {
    this.releaseInflight(batch);
    this.singlesUntil = { seq: batch.seq, offset: batch.end };
    this.readPos = { seq: batch.seq, offset: batch.start };
  }

  /**
   * Marks a batch acknowledged (or given up): advances and persists the cursor, and deletes sealed
   * segments that are wholly behind it. Returns false when the batch's segment was dropped meanwhile.
   */
  settle(batch: SpoolBatch): boolean {
    this.releaseInflight(batch);
    if (batch.readBuffer !== undefined) this.readSpare = batch.readBuffer;
    const segment = this.segments.find((s) => s.seq === batch.seq);
    if (!segment) return false;
    segment.settled += batch.values.count;
    const end = { seq: batch.seq, offset: batch.end };
    if (before(this.cursor, end)) this.cursor = end;
    this.collect();
    this.persistCursor();
    return true;
  }

  /**
   * Drops the oldest sealed segment (spool cap, `drop-oldest`). Returns the number of records lost, or
   * null when there is no sealed segment to drop. Records of it already in flight are not counted: they
   * are delivered or retried as usual.
   */
  async dropOldest(): Promise<{ records: number; bytes: number } | null> {
    const segment = this.segments.find((s) => s !== this.active?.segment);
    if (!segment) return null;
    this.segments.splice(this.segments.indexOf(segment), 1);
    this.grow(-segment.bytes);
    const lost = segment.records - segment.settled - (this.inflight.get(segment.seq) ?? 0);
    const next = this.segments[0]?.seq ?? this.nextSeq;
    if (this.cursor.seq <= segment.seq) this.cursor = { seq: next, offset: 0 };
    if (this.readPos.seq <= segment.seq) this.readPos = { seq: next, offset: 0 };
    if (this.singlesUntil && this.singlesUntil.seq <= segment.seq) this.singlesUntil = undefined;
    await this.closeReadHandle(segment.seq);
    await rm(segment.path, { force: true });
    this.persistCursor();
    return { records: Math.max(0, lost), bytes: segment.bytes };
  }

  /** Seals the active segment so that `dropOldest` has something to drop. */
  async seal(): Promise<void> {
    await this.flushChain;
    await this.closeActive();
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    if (this.options.fsync !== 'never') await this.sync().catch(() => undefined);
    await this.closeActive();
    await this.closeReadHandle();
    this.persistCursor(true);
    while (this.cursorWrite) await this.cursorWrite;
  }

  private async writePending(): Promise<number> {
    if (this.pendingRecords === 0) {
      // Flushes with nothing to write also follow every append past flushBytes until the write starts.
      if (this.spare !== undefined && Date.now() - this.spareSince > SPARE_IDLE_MS) this.spare = undefined;
      return 0;
    }
    const whole = this.buffer!;
    const data = whole.subarray(0, this.pendingBytes);
    // Every frame's checksum, in one pass (appendFrame leaves them out; append's frames have theirs
    // already, written again the same).
    sealFrames(data, 0, data.length);
    const records = this.pendingRecords;
    this.buffer = undefined;
    this.lastFlushBytes = this.pendingBytes;
    this.pendingBytes = 0;
    this.pendingRecords = 0;
    // Counted in depth while on their way to disk (and in bytes from append on), so "nothing left" is
    // never seen mid-write.
    this.writingRecords = records;
    let active: { segment: Segment; handle: FileHandle } | undefined;
    try {
      active = await this.activeSegment();
      let written = 0;
      while (written < data.length) {
        written += await writeAtEnd(active.handle, data, written, data.length - written);
      }
      if (this.options.fsync === 'batch') await active.handle.datasync();
      else this.dirtySinceSync = true;
    } catch (error) {
      this.writingRecords = 0;
      this.grow(-data.length);
      // Seal the segment at its last whole write: a partial write past `bytes` is never read.
      await this.closeActive();
      throw error;
    }
    active.segment.bytes += data.length;
    active.segment.records += records;
    this.writingRecords = 0;
    // The write is done with the buffer (the read-back reads the file): the next buffer may reuse it. A
    // buffer of the minimum size is not kept: malloc serves that size from its free lists, and a serving
    // with little traffic holds no second one.
    if (whole.length > MIN_BUFFER_BYTES) {
      this.spare = whole;
      this.spareSince = Date.now();
    }
    if (active.segment.bytes >= this.options.segmentBytes) await this.closeActive();
    return records;
  }

  private async activeSegment(): Promise<{ segment: Segment; handle: FileHandle }> {
    if (this.active) return this.active;
    const seq = this.nextSeq++;
    const path = join(this.directory, segmentName(seq));
    const handle = await open(path, 'wx');
    if (this.options.fsync !== 'never') await syncDirectory(this.directory);
    const segment: Segment = { seq, path, bytes: 0, records: 0, settled: 0, previousRun: false };
    this.segments.push(segment);
    this.active = { segment, handle };
    return this.active;
  }

  private async closeActive(): Promise<void> {
    const active = this.active;
    if (!active) return;
    this.active = undefined;
    if (this.options.fsync !== 'never' && this.dirtySinceSync)
      await active.handle.datasync().catch(() => undefined);
    this.dirtySinceSync = false;
    await closeHandle(active.handle).catch(() => undefined);
    this.collect();
  }

  /** Deletes sealed segments the cursor has passed entirely. */
  private collect(): void {
    while (this.segments.length > 0) {
      const oldest = this.segments[0]!;
      const done =
        oldest !== this.active?.segment &&
        (this.cursor.seq > oldest.seq ||
          (this.cursor.seq === oldest.seq && this.cursor.offset >= oldest.bytes));
      if (!done || (this.inflight.get(oldest.seq) ?? 0) > 0) return;
      this.segments.shift();
      this.grow(-oldest.bytes);
      void this.closeReadHandle(oldest.seq).then(() => rm(oldest.path, { force: true }));
    }
  }

  /** Every change of `bytes` goes through here (the buffer's appends, a lost write, deleted segments). */
  private grow(delta: number): void {
    this.total += delta;
    if (this.tally) this.tally.bytes += delta;
  }

  private releaseInflight(batch: SpoolBatch): void {
    const left = (this.inflight.get(batch.seq) ?? 0) - batch.values.count;
    if (left > 0) this.inflight.set(batch.seq, left);
    else this.inflight.delete(batch.seq);
  }

  /**
   * Writes cursor.json atomically (temp file + rename), at most once per cursorIntervalMs unless `now`;
   * writes coalesce while one is waiting or in progress.
   */
  private persistCursor(now = false): void {
    this.cursorDirty = true;
    const interval = this.options.cursorIntervalMs ?? DEFAULT_CURSOR_INTERVAL_MS;
    if (now || interval === 0) {
      clearTimeout(this.cursorTimer);
      this.cursorTimer = undefined;
      this.writeCursor();
    } else {
      this.cursorTimer ??= setTimeout(() => {
        this.cursorTimer = undefined;
        this.writeCursor();
      }, interval).unref();
    }
  }

  /**
   * Starts the cursor writer unless one runs or nothing changed. It is cleared only after its promise
   * settles (never synchronously inside the assignment: a writer that found nothing to write would then
   * leave a settled promise behind, and close() would await it forever), and it restarts if the cursor
   * changed after its last check.
   */
  private writeCursor(): void {
    if (this.cursorWrite || !this.cursorDirty) return;
    this.cursorWrite = this.writeCursorWhileDirty().finally(() => {
      this.cursorWrite = undefined;
      this.writeCursor();
    });
  }

  private async writeCursorWhileDirty(): Promise<void> {
    while (this.cursorDirty) {
      this.cursorDirty = false;
      const path = join(this.directory, 'cursor.json');
      try {
        await writeFile(`${path}.tmp`, JSON.stringify(this.cursor));
        await rename(`${path}.tmp`, path);
      } catch {
        // A lost cursor update only means duplicates after a restart; the next settle retries it.
      }
    }
  }

  /** A reused array with room for `records` value bounds (start, end) (grown when short). */
  private scratchBounds(records: number): Uint32Array {
    if (this.bounds.length < 2 * records) this.bounds = new Uint32Array(2 * records);
    return this.bounds;
  }

  /** A reused array with room for `records` acceptance times. */
  private scratchTimes(records: number): Float64Array {
    if (this.times.length < records) this.times = new Float64Array(records);
    return this.times;
  }

  private async readHandleFor(segment: Segment): Promise<FileHandle> {
    if (this.readHandle?.seq === segment.seq) return this.readHandle.handle;
    await this.closeReadHandle();
    const handle = await open(segment.path, 'r');
    this.readHandle = { seq: segment.seq, handle };
    return handle;
  }

  private async closeReadHandle(seq?: number): Promise<void> {
    const current = this.readHandle;
    if (!current || (seq !== undefined && current.seq !== seq)) return;
    this.readHandle = undefined;
    await closeHandle(current.handle).catch(() => undefined);
  }
}

/** `length` bytes at `position`, read into `into` (at least that long) when given, else a fresh buffer. */
async function readAt(handle: FileHandle, position: number, length: number, into?: Buffer): Promise<Buffer> {
  const buf = into ?? Buffer.allocUnsafe(length);
  let read = 0;
  while (read < length) {
    const bytesRead = await readInto(handle, buf, read, length - read, position + read);
    if (bytesRead === 0) break;
    read += bytesRead;
  }
  return read === buf.length ? buf : buf.subarray(0, read);
}

/**
 * buf[a, a + length) equals buf[b, b + length): a topic, compared for every record a batch reads; a loop
 * over its few bytes instead of a `Buffer.compare` call into C++ per record.
 */
function sameBytes(buf: Buffer, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

/**
 * The spool's two hot file operations (a flush's write, a batch's read) through the callback API on the
 * handle's descriptor: `FileHandle.write`/`read` build a promise-carrying request with its own stats array
 * per call, about 50 µs of the event loop per flush in a profile where this costs a fraction of that. The
 * handle stays the owner of the descriptor, but it does not know about these operations, so the spool
 * closes its handles through closeHandle, which waits for the last one started: a descriptor closed (and
 * its number reused by the next open) under a write still queued for the threadpool would write into
 * another file. A handle closed before the operation starts has fd -1, which fails with EBADF.
 */
const rawIo = new WeakMap<FileHandle, Promise<unknown>>();

/** Runs one callback-API operation on the handle's descriptor, remembered for closeHandle. */
function onDescriptor(
  handle: FileHandle,
  start: (fd: number, done: (error: NodeJS.ErrnoException | null, bytes: number) => void) => void,
): Promise<number> {
  const op = new Promise<number>((resolve, reject) =>
    start(handle.fd, (error, bytes) => (error ? reject(error) : resolve(bytes))),
  );
  rawIo.set(
    handle,
    op.catch(() => undefined),
  );
  return op;
}

export async function closeHandle(handle: FileHandle): Promise<void> {
  await rawIo.get(handle);
  await handle.close();
}

export function writeAtEnd(
  handle: FileHandle,
  data: Buffer,
  offset: number,
  length: number,
): Promise<number> {
  return onDescriptor(handle, (fd, done) => writeFd(fd, data, offset, length, null, done));
}

function readInto(
  handle: FileHandle,
  buf: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  return onDescriptor(handle, (fd, done) => readFd(fd, buf, offset, length, position, done));
}

async function readCursor(path: string): Promise<Position | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<Position>;
    return Number.isSafeInteger(parsed.seq) && Number.isSafeInteger(parsed.offset)
      ? { seq: parsed.seq!, offset: parsed.offset! }
      : undefined;
  } catch {
    // Missing or torn cursor: replay from the oldest segment (duplicates, never loss).
    return undefined;
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the segment's own data sync still applies.
  } finally {
    await handle.close();
  }
}
