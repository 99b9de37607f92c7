import { parseArgs } from 'node:util';

/** Where reading starts: every partition from the beginning, its end, an offset, or a time. */
export type StartAt =
  | { readonly kind: 'beginning' }
  | { readonly kind: 'end' }
  | { readonly kind: 'offset'; readonly offset: string }
  | { readonly kind: 'time'; readonly timestamp: number };

export interface LogFilter {
  readonly model?: string;
  readonly version?: number;
  /** An exact status (`200`) or a class (`4xx`). */
  readonly status?: { readonly exact: number } | { readonly class: number };
}

export interface LogReaderOptions {
  readonly brokers: string[];
  readonly topic: string;
  readonly startAt: StartAt;
  readonly filter: LogFilter;
  readonly follow: boolean;
  readonly schemaVersion: 1 | 2 | 3;
}

export const USAGE = `Usage: node tools/log-reader/run.cjs --topic <topic> [options]
Reads a serving's inference-log topic, decodes the Avro records with the inferencelog schema and prints
one JSON object per line: {partition, offset, kafkaTimestamp, modelId, modelName, modelVersion,
requestTimestamp, responseHttpCode, inferenceRequest, inferenceResponse}.

  --brokers host:port[,...]   default: $KAFKA_BROKERS or 127.0.0.1:9092
  --topic <name>              the serving's topic (e.g. mnist-inf1234)
  --from-beginning            (default) every partition from its first offset
  --from-end                  only records written from now on (with --follow)
  --from-offset <n>           every partition from offset n
  --from-time <t>             from the first record at or after t (ISO 8601 or epoch ms)
  --model <name>              only records of this model (modelName)
  --version <n>               only records of this model version
  --status <code|Nxx>         only this HTTP status (200) or class (4xx)
  --follow, -f                keep reading new records until interrupted
  --schema-version <1|2|3>    the topic's schema version (default 1, what the gateway writes)
`;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses the command line (and $KAFKA_BROKERS); throws UsageError naming what to fix. */
export function parseOptions(argv: string[], env: Record<string, string | undefined> = {}): LogReaderOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        brokers: { type: 'string' },
        topic: { type: 'string' },
        'from-beginning': { type: 'boolean' },
        'from-end': { type: 'boolean' },
        'from-offset': { type: 'string' },
        'from-time': { type: 'string' },
        model: { type: 'string' },
        version: { type: 'string' },
        status: { type: 'string' },
        follow: { type: 'boolean', short: 'f' },
        'schema-version': { type: 'string' },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!parsed.topic) throw new UsageError('--topic is required');
  const starts = ['from-beginning', 'from-end', 'from-offset', 'from-time'].filter(
    (k) => parsed[k as keyof typeof parsed] !== undefined,
  );
  if (starts.length > 1) throw new UsageError(`choose one of ${starts.map((s) => `--${s}`).join(', ')}`);
  let startAt: StartAt = { kind: 'beginning' };
  if (parsed['from-end']) startAt = { kind: 'end' };
  if (parsed['from-offset'] !== undefined) {
    if (!/^\d+$/.test(parsed['from-offset']))
      throw new UsageError('--from-offset must be a non-negative integer');
    startAt = { kind: 'offset', offset: parsed['from-offset'] };
  }
  if (parsed['from-time'] !== undefined) {
    const t = parsed['from-time'];
    const timestamp = /^\d+$/.test(t) ? Number(t) : Date.parse(t);
    if (!Number.isFinite(timestamp))
      throw new UsageError('--from-time must be ISO 8601 or epoch milliseconds');
    startAt = { kind: 'time', timestamp };
  }
  let status: LogFilter['status'];
  if (parsed.status !== undefined) {
    const s = parsed.status.toLowerCase();
    if (/^[1-5]\d\d$/.test(s)) status = { exact: Number(s) };
    else if (/^[1-5]xx$/.test(s)) status = { class: Number(s[0]) };
    else throw new UsageError('--status must be a code (200) or a class (4xx)');
  }
  let version: number | undefined;
  if (parsed.version !== undefined) {
    if (!/^\d+$/.test(parsed.version)) throw new UsageError('--version must be an integer');
    version = Number(parsed.version);
  }
  const schemaVersion = Number(parsed['schema-version'] ?? '1');
  if (schemaVersion !== 1 && schemaVersion !== 2 && schemaVersion !== 3) {
    throw new UsageError('--schema-version must be 1, 2 or 3');
  }
  const brokers = (parsed.brokers ?? env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',').filter(Boolean);
  return {
    brokers,
    topic: parsed.topic,
    startAt,
    filter: { model: parsed.model, version, status },
    follow: parsed.follow ?? false,
    schemaVersion,
  };
}
