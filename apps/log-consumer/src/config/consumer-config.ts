import { join, resolve } from 'node:path';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

/** Every environment variable the log consumer reads; validated once at boot, nothing else reads process.env. */
export class ConsumerEnvironment {
  @Type(() => Number) @IsInt() @Min(0) @Max(65535) PORT = 8081;
  @IsString() HOST = '127.0.0.1';
  /** The gateway's data dir: the consumer shares its SQLite store (`gateway.db`) unless DATABASE_URL is set. */
  @IsString() DATA_DIR = './data';
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be postgres://...' })
  DATABASE_URL?: string = undefined;
  @Matches(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port...]' })
  KAFKA_BROKERS = '127.0.0.1:9092';
  @IsString() KAFKA_CLIENT_ID = 'infergate-log-consumer';
  /** Consumer group (Nest appends `-server`); its committed offsets say where a restart resumes. */
  @IsString() KAFKA_GROUP_ID = 'infergate-log-consumer';
  /** Same secret as the gateway's when set there; otherwise both read the one kept in the store. */
  @IsOptional() @IsString() @MinLength(32) JWT_SECRET?: string = undefined;
  @Type(() => Number) @IsInt() @Min(60) JWT_EXPIRY_SECONDS = 3600;
  /** Statistics are written to the store at most this often (and on shutdown). */
  @Type(() => Number) @IsInt() @Min(10) STATS_FLUSH_MS = 1000;
  /** Decoded records kept in memory per serving for `/logs?tail=N`. */
  @Type(() => Number) @IsInt() @Min(1) @Max(100_000) LOGS_TAIL_CAPACITY = 1000;
  @IsIn(['log', 'warn', 'error']) LOG_LEVEL: 'log' | 'warn' | 'error' = 'log';
}

export interface ConsumerConfig {
  readonly http: { readonly port: number; readonly host: string };
  readonly store: { readonly sqlitePath: string } | { readonly postgresUrl: string };
  readonly kafka: { readonly brokers: string[]; readonly clientId: string; readonly groupId: string };
  readonly auth: { readonly jwtSecret?: string; readonly jwtExpirySeconds: number };
  readonly statsFlushMs: number;
  readonly tailCapacity: number;
  readonly logLevel: 'log' | 'warn' | 'error';
}

export const CONSUMER_CONFIG = Symbol('infergate.log-consumer.config');

export class ConsumerConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConsumerConfig(env: Record<string, string | undefined> = process.env): ConsumerConfig {
  const known = Object.keys(new ConsumerEnvironment());
  const raw = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => known.includes(k) && v !== undefined && v !== ''),
  );
  const parsed = plainToInstance(ConsumerEnvironment, raw, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const lines = errors.map(
      (e) =>
        `  ${e.property}=${JSON.stringify(raw[e.property])}: ${Object.values(e.constraints ?? {}).join('; ')}`,
    );
    throw new ConsumerConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return {
    http: { port: parsed.PORT, host: parsed.HOST },
    store: parsed.DATABASE_URL
      ? { postgresUrl: parsed.DATABASE_URL }
      : { sqlitePath: join(resolve(parsed.DATA_DIR), 'gateway.db') },
    kafka: {
      brokers: parsed.KAFKA_BROKERS.split(','),
      clientId: parsed.KAFKA_CLIENT_ID,
      groupId: parsed.KAFKA_GROUP_ID,
    },
    auth: { jwtSecret: parsed.JWT_SECRET, jwtExpirySeconds: parsed.JWT_EXPIRY_SECONDS },
    statsFlushMs: parsed.STATS_FLUSH_MS,
    tailCapacity: parsed.LOGS_TAIL_CAPACITY,
    logLevel: parsed.LOG_LEVEL,
  };
}
