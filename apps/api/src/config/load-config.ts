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
  if (typeof raw['LOG_FSYNC'] === 'string')
    raw['LOG_FSYNC'] = String(/^(1|true|yes|on)$/i.test(raw['LOG_FSYNC']));
  const parsed = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  if (typeof raw['LOG_FSYNC'] === 'string') parsed.LOG_FSYNC = raw['LOG_FSYNC'] === 'true';
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
    http: { port: parsed.PORT, host: parsed.HOST, maxRequestBytes: parsed.MAX_REQUEST_BYTES },
    dataDir,
    sqlitePath: join(dataDir, 'gateway.db'),
    kafka: parsed.KAFKA_BROKERS
      ? { brokers: parsed.KAFKA_BROKERS.split(','), clientId: parsed.KAFKA_CLIENT_ID }
      : null,
    admin: { email: parsed.ADMIN_EMAIL, password: parsed.ADMIN_PASSWORD },
    auth: { jwtSecret: parsed.JWT_SECRET, jwtExpirySeconds: parsed.JWT_EXPIRY_SECONDS },
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
    },
    logLevel: parsed.LOG_LEVEL,
  };
}
