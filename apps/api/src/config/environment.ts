import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';

/**
 * Every environment variable the gateway reads, with its default. Validated once at boot (see
 * load-config.ts); nothing else in the app reads process.env.
 */
export class Environment {
  @Type(() => Number) @IsInt() @Min(0) @Max(65535) PORT = 8080;
  @IsString() HOST = '127.0.0.1';
  @IsString() DATA_DIR = './data';
  /** `postgres://user:password@host:port/db`: the store on PostgreSQL (shared by replicas) instead of SQLite. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string = undefined;

  /**
   * How long project, membership and serving lookups are served from memory. Writes through this
   * replica apply at once; writes through another replica apply within this bound. 0 = no cache.
   */
  @Type(() => Number) @IsInt() @Min(0) @Max(60_000) LOOKUP_CACHE_MS = 1000;

  /** After V8's full GCs, give freed C-heap memory back to the system at most this often; 0 = never. */
  @Type(() => Number) @IsInt() @Min(0) @Max(600_000) MEMORY_TRIM_INTERVAL_MS = 1000;

  /** Comma-separated `host:port` list; unset = no Kafka, records go to Avro files under DATA_DIR. */
  @IsOptional()
  @Matches(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port...]' })
  KAFKA_BROKERS?: string = undefined;
  @IsString() KAFKA_CLIENT_ID = 'infergate';
  /**
   * main = the Kafka producer runs on the gateway's thread (default); thread = on a worker thread of its
   * own (less work on the event loop, more CPU and ~45 MB more RSS in all: docs/benchmarks.md).
   */
  @IsIn(['main', 'thread']) KAFKA_PRODUCER_THREAD: 'main' | 'thread' = 'main';

  @IsEmail() ADMIN_EMAIL = 'admin@example.com';
  @IsOptional() @IsString() @MinLength(8) ADMIN_PASSWORD?: string = undefined;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string = undefined;
  @Type(() => Number) @IsInt() @Min(60) JWT_EXPIRY_SECONDS = 3600;
  /** Allow `POST /auth/register`; off by default (admins create users through /admin/users). */
  @Type(() => Boolean) @IsBoolean() SELF_REGISTRATION = false;

  /** TF-Serving-layout model repository served by the embedded ONNX backend. */
  @IsString() MODEL_REPOSITORY = './models';
  @Type(() => Number) @IsInt() @Min(1) @Max(64) ONNX_INTRA_OP_THREADS = 1;
  @Type(() => Number) @IsInt() @Min(100) MODEL_POLL_INTERVAL_MS = 2000;

  /** Per backend request; TF Serving's own REST timeout is 30 s. */
  @Type(() => Number) @IsInt() @Min(1) BACKEND_TIMEOUT_MS = 30000;
  @Type(() => Number) @IsInt() @Min(1024) MAX_REQUEST_BYTES = 32 * 1024 * 1024;
  /**
   * Who reads inference requests off the connections: `own` = the gateway's HTTP/1.1 reader for plain
   * requests (anything else goes on to Node's parser), `node` = Node's HTTP parser for every request.
   * The answers are the same; `own` costs less CPU per request.
   */
  @IsIn(['own', 'node']) HTTP_LANE_PARSER: 'own' | 'node' = 'own';

  @Type(() => Number) @IsInt() @Min(1) LOG_QUEUE_CAPACITY = 100_000;
  @Type(() => Number) @IsInt() @Min(1) @Max(10_000) LOG_BATCH_SIZE = 10_000;
  @Type(() => Number) @IsInt() @Min(0) LOG_LINGER_MS = 5;
  @Type(() => Boolean) @IsBoolean() LOG_FSYNC = false;

  /**
   * Durable spool in front of Kafka (used only when KAFKA_BROKERS is set). A record waits in memory at
   * most SPOOL_FLUSH_MS before it is written to $DATA_DIR/inference-log-spool (the SIGKILL window).
   */
  @Type(() => Number) @IsInt() @Min(0) @Max(1000) SPOOL_FLUSH_MS = 10;
  /** batch = fdatasync every write; interval = every SPOOL_FSYNC_INTERVAL_MS; never = page cache only. */
  @IsIn(['batch', 'interval', 'never']) SPOOL_FSYNC: 'batch' | 'interval' | 'never' = 'interval';
  @Type(() => Number) @IsInt() @Min(10) SPOOL_FSYNC_INTERVAL_MS = 1000;
  @Type(() => Number) @IsInt() @Min(65536) SPOOL_MAX_BYTES = 1024 * 1024 * 1024;
  @IsIn(['refuse-new', 'drop-oldest']) SPOOL_AT_CAP: 'refuse-new' | 'drop-oldest' = 'refuse-new';
  @Type(() => Number) @IsInt() @Min(4096) SPOOL_SEGMENT_BYTES = 16 * 1024 * 1024;
  /**
   * After a Kafka produce that took everything the spool had, the next one waits this long to gather
   * records: fewer, larger produce requests under load. Records are on disk meanwhile; only their
   * arrival in Kafka waits. A backlog (full batches) goes out without waiting. With LOG_BATCH_SIZE at
   * 10 000, LOG_BATCH_BYTES is what fills a batch (~3 800 small records); measured in docs/benchmarks.md.
   */
  @Type(() => Number) @IsInt() @Min(0) @Max(1000) SPOOL_DELIVERY_LINGER_MS = 100;
  /** Bytes per Kafka produce request at most; the broker's default message.max.bytes is 1 MiB. */
  @Type(() => Number) @IsInt() @Min(1024) LOG_BATCH_BYTES = 900_000;
  @IsIn(['log', 'warn', 'error']) LOG_LEVEL: 'log' | 'warn' | 'error' = 'log';
}
