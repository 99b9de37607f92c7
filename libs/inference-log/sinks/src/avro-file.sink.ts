import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import { encodeInferenceLog, inferenceSchemaText } from '@infergate/inference-log-schema';
import type { InferenceLogEntry, InferenceLogSink, SinkHealth } from './inference-log.sink';

export interface AvroFileSinkOptions {
  /** Directory holding one `<servingName>-<servingId>.avro` Object Container File per serving. */
  readonly directory: string;
  /** fsync after each batch: slower, but a batch reported written survives a power cut. */
  readonly fsync?: boolean;
}

const MAGIC = Buffer.from('Obj\x01', 'latin1');
const headerType = avro.Type.forSchema({
  type: 'record',
  name: 'org.apache.avro.file.Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
  ],
});
const longType = avro.Type.forSchema('long');

interface OpenFile {
  readonly fd: number;
  readonly sync: Buffer;
}

/**
 * The embedded-default sink: Avro Object Container Files (the format every Avro reader opens, e.g.
 * `avro-tools tojson`, fastavro, avsc) with the inferencelog v1 schema. Each batch becomes one block
 * appended to the serving's file; an existing file is continued with its own sync marker, and one
 * written with another schema is set aside rather than corrupted.
 */
export class AvroFileSink implements InferenceLogSink {
  readonly name = 'avro-file';
  private readonly files = new Map<number, OpenFile>();
  private closed = false;
  private readonly schemaText = inferenceSchemaText(1);

  constructor(private readonly options: AvroFileSinkOptions) {
    mkdirSync(options.directory, { recursive: true });
  }

  /** The file a serving's records go to. */
  pathFor(servingId: number, servingName: string): string {
    return join(this.options.directory, `${servingName}-${servingId}.avro`);
  }

  async write(batch: readonly InferenceLogEntry[]): Promise<void> {
    if (this.closed) throw new Error('avro file sink is closed');
    const groups = new Map<number, { name: string; records: Buffer[] }>();
    for (const { destination, record } of batch) {
      let group = groups.get(destination.servingId);
      if (!group) {
        group = { name: destination.servingName, records: [] };
        groups.set(destination.servingId, group);
      }
      group.records.push(encodeInferenceLog(record));
    }
    for (const [servingId, group] of groups) {
      const file = this.open(servingId, group.name);
      const data = Buffer.concat(group.records);
      const block = Buffer.concat([
        longType.toBuffer(group.records.length),
        longType.toBuffer(data.length),
        data,
        file.sync,
      ]);
      writeSync(file.fd, block);
      if (this.options.fsync) fsyncSync(file.fd);
    }
  }

  async health(): Promise<SinkHealth> {
    return this.closed
      ? { state: 'down', detail: 'closed' }
      : { state: 'up', detail: this.options.directory };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const file of this.files.values()) closeSync(file.fd);
    this.files.clear();
  }

  private open(servingId: number, servingName: string): OpenFile {
    const existing = this.files.get(servingId);
    if (existing) return existing;
    const path = this.pathFor(servingId, servingName);
    let sync: Buffer | undefined;
    if (existsSync(path)) {
      const header = avro.extractFileHeader(path, { decode: false }) as {
        meta: Record<string, Buffer>;
        sync: Buffer;
      } | null;
      if (header && header.meta['avro.schema']?.toString() === this.schemaText && isNullCodec(header.meta)) {
        sync = header.sync;
      } else {
        renameSync(path, `${path}.${Date.now()}.set-aside`);
      }
    }
    const fd = openSync(path, 'a');
    if (!sync) {
      sync = randomBytes(16);
      const meta = { 'avro.schema': Buffer.from(this.schemaText), 'avro.codec': Buffer.from('null') };
      writeSync(fd, headerType.toBuffer({ magic: MAGIC, meta, sync }));
    }
    const file = { fd, sync };
    this.files.set(servingId, file);
    return file;
  }
}

function isNullCodec(meta: Record<string, Buffer>): boolean {
  const codec = meta['avro.codec']?.toString();
  return codec === undefined || codec === 'null';
}
