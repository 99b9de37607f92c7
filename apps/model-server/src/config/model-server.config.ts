import { existsSync } from 'node:fs';
import path from 'node:path';
import type { InferenceThread } from '@infergate/model-server-core';

const INFERENCE_THREADS: readonly InferenceThread[] = ['main', 'worker', 'auto'];

/** The standalone model server's settings, validated once at boot. */
export interface ModelServerConfig {
  readonly host: string;
  readonly restPort: number;
  readonly modelRepository: string;
  readonly intraOpThreads: number | undefined;
  readonly pollIntervalMs: number;
  readonly maxBodyBytes: number;
  /**
   * 'auto' (default): each version starts in the worker thread and moves to the loop's thread while its
   * runs stay fast; 'worker': ORT always runs in a worker thread and never blocks the loop; 'main': always
   * on the loop's thread.
   */
  readonly inferenceThread: InferenceThread;
  /**
   * 'auto' only: estimated ORT run time (µs) at or under which a version computes on the loop's thread;
   * the model server's default (1000) when absent.
   */
  readonly inlineMaxRunUs: number | undefined;
  /** TF Serving's --rest_api_timeout_in_ms: 504 past it; 0 disables. */
  readonly requestTimeoutMs: number;
  /**
   * Use the native JSON addon (number runs parsed, floats formatted in C) when it was built: 'on'
   * (default) or 'off' (JavaScript only; the answers are the same, the CPU cost higher).
   */
  readonly nativeJson: boolean;
  /** After V8's full GCs, give freed C-heap memory back (malloc_trim) at most this often (ms); 0 = never. */
  readonly memoryTrimIntervalMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

interface Setting {
  readonly flag: string;
  readonly env: string;
}

const HOST: Setting = { flag: 'host', env: 'MODEL_SERVER_HOST' };
const PORT: Setting = { flag: 'rest-port', env: 'MODEL_SERVER_PORT' };
const REPOSITORY: Setting = { flag: 'model-repository', env: 'MODEL_REPOSITORY' };
const THREADS: Setting = { flag: 'intra-op-threads', env: 'MODEL_SERVER_INTRA_OP_THREADS' };
const POLL: Setting = { flag: 'poll-interval-ms', env: 'MODEL_SERVER_POLL_INTERVAL_MS' };
const MAX_BODY: Setting = { flag: 'max-body-bytes', env: 'MODEL_SERVER_MAX_BODY_BYTES' };
const TIMEOUT: Setting = { flag: 'rest-api-timeout-ms', env: 'MODEL_SERVER_REST_API_TIMEOUT_MS' };
const INFERENCE_THREAD: Setting = { flag: 'inference-thread', env: 'MODEL_SERVER_INFERENCE_THREAD' };
const INLINE_MAX_RUN_US: Setting = { flag: 'inline-max-run-us', env: 'MODEL_SERVER_INLINE_MAX_RUN_US' };
const NATIVE_JSON: Setting = { flag: 'native-json', env: 'MODEL_SERVER_NATIVE_JSON' };
const MEMORY_TRIM: Setting = { flag: 'memory-trim-interval-ms', env: 'MODEL_SERVER_MEMORY_TRIM_INTERVAL_MS' };
const KNOWN_FLAGS = new Set(
  [
    HOST,
    PORT,
    REPOSITORY,
    THREADS,
    POLL,
    MAX_BODY,
    TIMEOUT,
    INFERENCE_THREAD,
    INLINE_MAX_RUN_US,
    NATIVE_JSON,
    MEMORY_TRIM,
  ].map((s) => s.flag),
);

/**
 * Reads `--flag=value` / `--flag value` arguments, falling back to environment variables, then defaults:
 * TF Serving's REST port 8501, 127.0.0.1, the repository's own `models/` directory, polling every second
 * (TF Serving's file_system_poll_wait_seconds) and a 64 MiB body limit.
 */
export function loadModelServerConfig(
  argv: readonly string[] = process.argv.slice(2),
  env: Readonly<Record<string, string | undefined>> = process.env,
  startDir = __dirname,
): ModelServerConfig {
  const flags = parseFlags(argv);
  const get = (s: Setting): string | undefined => flags.get(s.flag) ?? (env[s.env] || undefined);
  const int = (s: Setting, fallback: number | undefined, min: number): number | undefined => {
    const raw = get(s);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min)
      throw new ConfigError(`--${s.flag} / ${s.env} must be an integer >= ${min}, got "${raw}"`);
    return n;
  };
  const port = int(PORT, 8501, 0)!;
  if (port > 65535) throw new ConfigError(`--${PORT.flag} / ${PORT.env} must be a TCP port, got ${port}`);
  const repository = get(REPOSITORY);
  const inferenceThread = (get(INFERENCE_THREAD) ?? 'auto') as InferenceThread;
  if (!INFERENCE_THREADS.includes(inferenceThread)) {
    throw new ConfigError(
      `--${INFERENCE_THREAD.flag} / ${INFERENCE_THREAD.env} must be "main", "worker" or "auto", got "${inferenceThread}"`,
    );
  }
  const nativeJson = get(NATIVE_JSON) ?? 'on';
  if (nativeJson !== 'on' && nativeJson !== 'off')
    throw new ConfigError(
      `--${NATIVE_JSON.flag} / ${NATIVE_JSON.env} must be "on" or "off", got "${nativeJson}"`,
    );
  return {
    host: get(HOST) ?? '127.0.0.1',
    restPort: port,
    modelRepository: path.resolve(repository ?? path.join(findRepoRoot(startDir), 'models')),
    intraOpThreads: int(THREADS, undefined, 1),
    pollIntervalMs: int(POLL, 1000, 0)!,
    maxBodyBytes: int(MAX_BODY, 64 * 1024 * 1024, 1)!,
    inferenceThread,
    inlineMaxRunUs: int(INLINE_MAX_RUN_US, undefined, 1),
    requestTimeoutMs: int(TIMEOUT, 30_000, 0)!,
    nativeJson: nativeJson === 'on',
    memoryTrimIntervalMs: int(MEMORY_TRIM, 1000, 0)!,
  };
}

function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!KNOWN_FLAGS.has(name))
      throw new ConfigError(
        `unknown option --${name}; known: ${[...KNOWN_FLAGS].map((f) => `--${f}`).join(', ')}`,
      );
    let value: string | undefined = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(`--${name} needs a value`);
    value = value.trim();
    flags.set(name, value);
  }
  return flags;
}

/** The workspace root (where nx.json lives), whether running from sources, dist/ or a tmp build. */
function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
