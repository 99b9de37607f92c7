import {
  BackendError,
  BackendErrorCode,
  CallCancellation,
  type BackendHealth,
  type CancelSignal,
  type BackendResponse,
  type InferenceCall,
  type ModelRef,
  type ServingBackend,
  inferencePath,
  metadataPath,
  modelPath,
} from '@infergate/serving-contract';
import { BackendInstance } from './backend-instance';
import { ExchangeFailure, type BufferedResponse, type Http1Pool } from './http1-pool';
import type { TensorflowServingSettings } from './endpoint-config.validator';
import { type HealthLogger, InstanceHealthMonitor, type ProbeResult } from './instance-health.monitor';
import { LeastOutstandingBalancer } from './least-outstanding.balancer';
import { describeCause, failedBeforeSend, toBackendError } from './transport-error.mapper';

/** What the adapter needs from whoever owns the connection pools (the factory). */
export interface PoolSource {
  acquire(origin: string): Http1Pool;
  release(origin: string): Promise<void>;
}

export interface TensorflowServingBackendDeps {
  readonly pools: PoolSource;
  readonly logger: HealthLogger;
  /** Called once when the backend has closed, so the factory can forget it. */
  readonly onClose?: () => void;
}

/**
 * A serving backend speaking TF Serving's REST API (api_rest.md) to one or more instances. Bodies go
 * through as bytes in both directions: TF Serving answers with bare NaN/Infinity tokens and int64 values
 * beyond 2^53, which a JSON.parse/JSON.stringify round trip would reject or corrupt.
 */
export class TensorflowServingBackend implements ServingBackend {
  readonly kind = 'TENSORFLOW_SERVING' as const;
  private readonly instances: readonly BackendInstance[];
  private readonly balancer: LeastOutstandingBalancer;
  private readonly monitor: InstanceHealthMonitor;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly settings: TensorflowServingSettings,
    private readonly deps: TensorflowServingBackendDeps,
  ) {
    this.instances = settings.targets.map(
      (target) => new BackendInstance(target, deps.pools.acquire(target.origin)),
    );
    this.balancer = new LeastOutstandingBalancer(this.instances);
    this.monitor = new InstanceHealthMonitor(this.instances, {
      intervalMs: settings.healthCheckIntervalMs,
      probeTimeoutMs: Math.min(settings.timeoutMs, settings.healthCheckIntervalMs),
      probe: (instance, signal) => this.probe(instance, signal),
      logger: deps.logger,
    });
  }

  get endpoints(): readonly string[] {
    return this.instances.map((instance) => instance.endpoint);
  }

  infer(call: InferenceCall): Promise<BackendResponse> {
    return this.send('POST', inferencePath(call.model, call.verb), call.body, call.signal);
  }

  modelStatus(model: ModelRef, signal?: CancelSignal): Promise<BackendResponse> {
    return this.send('GET', modelPath(model), undefined, signal);
  }

  modelMetadata(model: ModelRef, signal?: CancelSignal): Promise<BackendResponse> {
    return this.send('GET', metadataPath(model), undefined, signal);
  }

  async health(): Promise<BackendHealth> {
    if (this.closing) return { state: 'down', detail: 'backend is closed' };
    await this.monitor.firstRound;
    const instances = this.instances.map(({ endpoint, state, detail }) => ({ endpoint, state, detail }));
    const up = instances.filter((instance) => instance.state === 'up').length;
    if (up === 0) {
      const why = instances.map((instance) => `${instance.endpoint}: ${instance.detail}`).join('; ');
      return { state: 'down', detail: `no TF Serving instance is up (${why})`, instances };
    }
    return { state: 'up', detail: `${up}/${instances.length} TF Serving instances up`, instances };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.monitor.stop();
      // Pools close gracefully: requests already in flight still get their answers.
      await Promise.all(this.instances.map((instance) => this.deps.pools.release(instance.target.origin)));
      this.deps.onClose?.();
    })();
    return this.closing;
  }

  /**
   * One call with its own deadline, shared by all attempts. A second instance is tried only when the
   * first could not even be connected to; once bytes may have reached TF Serving, the call is not
   * repeated (a predict is not known to be idempotent, and a retry would double the load of a slow one).
   */
  private async send(
    method: 'GET' | 'POST',
    path: string,
    body: Uint8Array | undefined,
    callerSignal: CancelSignal | undefined,
  ): Promise<BackendResponse> {
    if (this.closing) {
      throw new BackendError(
        BackendErrorCode.UNREACHABLE,
        `TF Serving backend for ${this.endpoints.join(', ')} is closed`,
      );
    }
    const { timeoutMs } = this.settings;
    // One cancellation per call, fed by the deadline and the caller. A CallCancellation rather than an
    // AbortController (or AbortSignal.timeout/any): those cost several microseconds each per request on
    // Node 20, which was most of this adapter's own CPU time at high rates.
    const signal = new CallCancellation();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      signal.cancel(new DOMException(`deadline of ${timeoutMs} ms passed`, 'TimeoutError'));
    }, timeoutMs);
    const forwardAbort = () => signal.cancel(callerSignal?.reason);
    if (callerSignal?.aborted) forwardAbort();
    else callerSignal?.addEventListener('abort', forwardAbort, { once: true });
    // Only a call that moves on to another instance needs these.
    let tried: Set<BackendInstance> | undefined;
    let refused: string[] | undefined;
    let lastRefusal: unknown;
    try {
      for (;;) {
        const instance = this.balancer.pick(tried);
        if (!instance) {
          throw new BackendError(
            BackendErrorCode.UNREACHABLE,
            `cannot connect to any TF Serving instance: ${(refused ?? []).join('; ')}`,
            { cause: lastRefusal },
          );
        }
        instance.outstanding++;
        try {
          const response = await instance.pool.exchange(
            {
              method,
              path: `${instance.target.basePath}${path}`,
              body,
              contentType: body ? 'application/json' : undefined,
            },
            signal,
          );
          return toBackendResponse(instance, response);
        } catch (failure) {
          if (!(failure instanceof ExchangeFailure)) throw failure;
          const { phase, error } = failure;
          const context = {
            endpoint: instance.endpoint,
            phase,
            timeoutMs,
            // Whichever fired first aborted the controller: that one decides.
            timedOut: signal.aborted && timedOut,
            callerAborted: signal.aborted && !timedOut,
          };
          if (!signal.aborted && phase === 'request' && failedBeforeSend(error)) {
            this.monitor.mark(instance, 'down', `connection failed: ${describeCause(error)}`);
            if (this.instances.length === 1) throw toBackendError(error, context);
            (tried ??= new Set()).add(instance);
            (refused ??= []).push(`${instance.endpoint} (${describeCause(error)})`);
            lastRefusal = error;
            continue;
          }
          throw toBackendError(error, context);
        } finally {
          instance.outstanding--;
        }
      }
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', forwardAbort);
    }
  }

  /**
   * `GET /v1/models/{model}`: up when some version is AVAILABLE (get_model_status_impl.cc states). With
   * no model configured, any HTTP answer from `/v1/models` (TF Serving's 400 "Missing model name in
   * request.") proves the REST server is serving.
   */
  private async probe(instance: BackendInstance, signal: AbortSignal): Promise<ProbeResult> {
    const model = this.settings.healthModel;
    const path = `${instance.target.basePath}${model === undefined ? '/v1/models' : modelPath({ name: model })}`;
    let response: BufferedResponse;
    try {
      response = await instance.pool.exchange({ method: 'GET', path }, signal);
    } catch (failure) {
      throw failure instanceof ExchangeFailure ? failure.error : failure;
    }
    const text = response.body.toString('utf8');
    if (model === undefined) return { state: 'up', detail: `REST API answered HTTP ${response.statusCode}` };
    if (response.statusCode !== 200) {
      return {
        state: 'down',
        detail: `model ${model}: HTTP ${response.statusCode} ${text.trim().slice(0, 200)}`,
      };
    }
    let states: string[] = [];
    try {
      const parsed = JSON.parse(text) as { model_version_status?: { state?: string }[] };
      states = (parsed.model_version_status ?? []).map((status) => String(status.state));
    } catch {
      return { state: 'down', detail: `model ${model}: unreadable status answer` };
    }
    return states.includes('AVAILABLE')
      ? { state: 'up', detail: `model ${model} AVAILABLE` }
      : { state: 'down', detail: `model ${model} has no AVAILABLE version (${states.join(', ') || 'none'})` };
  }
}

/**
 * TF Serving's answer as the backend's response. TF Serving always writes a JSON body on its handler
 * paths; an empty 200 means something in between lost it (Hopsworks reports this as 250003). Empty error
 * bodies are real: a version that overflows int64 gets a 400 with no body (see tf-serving-rest.md,
 * dispatch errors), so those pass through.
 */
function toBackendResponse(instance: BackendInstance, response: BufferedResponse): BackendResponse {
  if (response.statusCode === 200 && response.body.byteLength === 0) {
    throw new BackendError(
      BackendErrorCode.EMPTY_RESPONSE,
      `${instance.endpoint} answered 200 with an empty body`,
    );
  }
  return {
    status: response.statusCode,
    body: response.body,
    contentType: response.contentType ?? 'application/octet-stream',
  };
}
