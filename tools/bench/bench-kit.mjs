// Pieces every benchmark script under tools/bench shares: the repository root, `--name value` options,
// what /proc says a process or thread has used, and the bench's own Kafka broker (127.0.0.1:19092, so a
// benchmark never disturbs the test broker on 9092).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(fileURLToPath(import.meta.url), '../../..');

/** The value after `--name` on the command line, or `fallback`. */
export const option = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

/** Linux USER_HZ: the unit of the CPU times in /proc's stat files. */
export const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100);

/**
 * A process's /proc stat (`pid`: a number or 'self'), or one of its threads' (`tid`, under task/): CPU ticks
 * (utime + stime, in CLK_TCK) and minor page faults. The fields are counted from after the command name,
 * which may itself hold spaces and parentheses.
 */
export function procStat(pid = 'self', tid = undefined) {
  const stat = readFileSync(
    tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`,
    'utf8',
  );
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { cpuTicks: Number(fields[11]) + Number(fields[12]), minorFaults: Number(fields[7]) };
}

/** procStatus' fields, compiled once (the benches sample memory every few hundred milliseconds). */
const STATUS_FIELDS = {
  rssKb: /^VmRSS:\s+(\d+)/m,
  hwmKb: /^VmHWM:\s+(\d+)/m,
  voluntarySwitches: /^voluntary_ctxt_switches:\s+(\d+)/m,
  involuntarySwitches: /^nonvoluntary_ctxt_switches:\s+(\d+)/m,
};

/**
 * A process's /proc status, or one of its threads' (`tid`): RSS and its high-water mark in kB, and the
 * voluntary and involuntary context switches (of the thread, when `tid` is given).
 */
export function procStatus(pid = 'self', tid = undefined) {
  const text = readFileSync(
    tid === undefined ? `/proc/${pid}/status` : `/proc/${pid}/task/${tid}/status`,
    'utf8',
  );
  const field = (pattern) => Number(pattern.exec(text)?.[1] ?? 0);
  return {
    rssKb: field(STATUS_FIELDS.rssKb),
    hwmKb: field(STATUS_FIELDS.hwmKb),
    voluntarySwitches: field(STATUS_FIELDS.voluntarySwitches),
    involuntarySwitches: field(STATUS_FIELDS.involuntarySwitches),
  };
}

/**
 * Starts (or finds running) the bench broker with its state in `stateDir`, through the project's own
 * tools/kafka/kafka.sh. Returns its bootstrap address and a function that stops it.
 */
export function startBenchBroker(stateDir = join(root, 'tmp/bench/kafka')) {
  const env = {
    ...process.env,
    KAFKA_PORT: '19092',
    KAFKA_CONTROLLER_PORT: '19093',
    KAFKA_STATE_DIR: stateDir,
  };
  execFileSync('bash', ['tools/kafka/kafka.sh', 'start'], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return {
    brokers: '127.0.0.1:19092',
    pidFile: join(stateDir, 'kafka.pid'),
    stop: () => execFileSync('bash', ['tools/kafka/kafka.sh', 'stop'], { cwd: root, env, stdio: 'ignore' }),
  };
}

/**
 * SpooledLogPipeline options as apps/api's log-sink.factory sets them with the environment's defaults
 * (SPOOL_*, LOG_BATCH_*), for the benches of the spool; each overrides what it varies.
 */
export function gatewaySpoolOptions(directory, overrides = {}) {
  return {
    directory,
    flushMs: 10,
    flushBytes: 1024 * 1024,
    fsync: 'interval',
    fsyncIntervalMs: 1000,
    maxBytes: 1024 ** 3,
    atCap: 'refuse-new',
    segmentBytes: 16 * 1024 * 1024,
    deliveryLingerMs: 100,
    batchRecords: 10000,
    batchBytes: 900000,
    retryMinMs: 100,
    retryMaxMs: 5000,
    ...overrides,
  };
}
