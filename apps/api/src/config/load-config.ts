import { resolve, join } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { AppConfig } from './app-config';
import { Environment } from './environment';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates the environment and builds the typed config; throws one error naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const known = Object.keys(new Environment());
  const raw = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => known.includes(k) && v !== undefined && v !== ''),
  );
  // class-transformer turns "false" into true for Boolean; map the usual spellings first.
  const booleans = ['LOG_FSYNC', 'SELF_REGISTRATION'] as const;
  for (const name of booleans) {
    if (typeof raw[name] === 'string') raw[name] = String(/^(1|true|yes|on)$/i.test(raw[name]));
  }
  const parsed = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  for (const name of booleans) {
    if (typeof raw[name] === 'string') parsed[name] = raw[name] === 'true';
  }
  const errors = validateSync(parsed, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) {
    const lines = errors.map(
      (e) =>
        `  ${e.property}=${JSON.stringify(raw[e.property])}: ${Object.values(e.constraints ?? {}).join('; ')}`,
    );
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const dataDir = resolve(parsed.DATA_DIR);
  return {
    http: {
      port: parsed.PORT,
      host: parsed.HOST,
      maxRequestBytes: parsed.MAX_REQUEST_BYTES,
      laneParser: parsed.HTTP_LANE_PARSER,
    },
    dataDir,
    sqlitePath: join(dataDir, 'gateway.db'),
    postgresUrl: parsed.DATABASE_URL ?? null,
    lookupCacheMs: parsed.LOOKUP_CACHE_MS,
    memoryTrimIntervalMs: parsed.MEMORY_TRIM_INTERVAL_MS,
    kafka: parsed.KAFKA_BROKERS
      ? {
          brokers: parsed.KAFKA_BROKERS.split(','),
          clientId: parsed.KAFKA_CLIENT_ID,
          producer: parsed.KAFKA_PRODUCER_THREAD,
        }
      : null,
    admin: { email: parsed.ADMIN_EMAIL, password: parsed.ADMIN_PASSWORD },
    auth: {
      jwtSecret: parsed.JWT_SECRET,
      jwtExpirySeconds: parsed.JWT_EXPIRY_SECONDS,
      selfRegistration: parsed.SELF_REGISTRATION,
    },
    backends: {
      timeoutMs: parsed.BACKEND_TIMEOUT_MS,
      modelRepository: resolve(parsed.MODEL_REPOSITORY),
      onnxIntraOpThreads: parsed.ONNX_INTRA_OP_THREADS,
      modelPollIntervalMs: parsed.MODEL_POLL_INTERVAL_MS,
    },
    inferenceLog: {
      directory: join(dataDir, 'inference-logs'),
      capacity: parsed.LOG_QUEUE_CAPACITY,
      batchSize: parsed.LOG_BATCH_SIZE,
      lingerMs: parsed.LOG_LINGER_MS,
      fsync: parsed.LOG_FSYNC,
      batchBytes: parsed.LOG_BATCH_BYTES,
      spool: {
        directory: join(dataDir, 'inference-log-spool'),
        flushMs: parsed.SPOOL_FLUSH_MS,
        fsync: parsed.SPOOL_FSYNC,
        fsyncIntervalMs: parsed.SPOOL_FSYNC_INTERVAL_MS,
        maxBytes: parsed.SPOOL_MAX_BYTES,
        atCap: parsed.SPOOL_AT_CAP,
        segmentBytes: parsed.SPOOL_SEGMENT_BYTES,
        deliveryLingerMs: parsed.SPOOL_DELIVERY_LINGER_MS,
      },
    },
    logLevel: parsed.LOG_LEVEL,
  };
}
