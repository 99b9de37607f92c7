import type { BackendHealthState } from '@infergate/serving-contract';
import type { BackendInstance } from './backend-instance';
import { describeCause } from './transport-error.mapper';

export interface HealthLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface ProbeResult {
  readonly state: BackendHealthState;
  readonly detail: string;
}

/** Asks one instance whether it serves; must resolve (never reject) within the probe timeout. */
export type Probe = (instance: BackendInstance, signal: AbortSignal) => Promise<ProbeResult>;

export interface InstanceHealthMonitorOptions {
  readonly intervalMs: number;
  readonly probeTimeoutMs: number;
  readonly probe: Probe;
  readonly logger: HealthLogger;
}

/**
 * Background health for a backend's instances, in the manner of immich's machine-learning repository:
 * a periodic probe marks each instance up or down, requests skip instances marked down, and each state
 * change is logged once (not once per probe), so a dead instance does not flood the log.
 */
export class InstanceHealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private stopped = false;
  /** Resolves after the first round of probes, so health() right after create() reports facts. */
  readonly firstRound: Promise<void>;

  constructor(
    private readonly instances: readonly BackendInstance[],
    private readonly options: InstanceHealthMonitorOptions,
  ) {
    this.firstRound = this.round();
    this.timer = setInterval(() => void this.round(), options.intervalMs);
    // Health checks must never keep the process alive on their own.
    this.timer.unref();
  }

  /** Records a verdict; logs only when the state flips. Also used by the request path on connect errors. */
  mark(instance: BackendInstance, state: BackendHealthState, detail: string): void {
    if (this.stopped) return;
    const previous = instance.state;
    instance.state = state;
    instance.detail = detail;
    if (previous === state) return;
    if (state === 'down')
      this.options.logger.warn(`TF Serving instance ${instance.endpoint} is down: ${detail}`);
    else this.options.logger.log(`TF Serving instance ${instance.endpoint} is up again: ${detail}`);
  }

  private round(): Promise<void> {
    // A probe round slower than the interval must not pile up concurrent rounds.
    if (this.running || this.stopped) return this.running ?? Promise.resolve();
    this.running = Promise.all(this.instances.map((instance) => this.check(instance))).then(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async check(instance: BackendInstance): Promise<void> {
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.probeTimeoutMs)]);
    let result: ProbeResult;
    try {
      result = await this.options.probe(instance, signal);
    } catch (error) {
      if (this.stopped) return;
      result = signal.aborted
        ? { state: 'down', detail: `no answer to the health check within ${this.options.probeTimeoutMs} ms` }
        : { state: 'down', detail: describeCause(error) };
    }
    this.mark(instance, result.state, result.detail);
  }

  /** Stops the timer and cancels probes in flight. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    this.abort.abort();
    await this.running;
  }
}
