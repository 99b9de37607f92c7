import type { BackendConfig, BackendFactory, ServingBackend } from '@infergate/serving-contract';
import { validateTensorflowServingConfig } from './endpoint-config.validator';
import type { HealthLogger } from './instance-health.monitor';
import { OriginPools } from './origin-pools.cache';
import { TensorflowServingBackend } from './tensorflow-serving.adapter';

export interface TensorflowServingBackendFactoryOptions {
  /** Per-request timeout when a serving sets none: 30000 ms, TF Serving's own `--rest_api_timeout_in_ms`. */
  readonly defaultTimeoutMs?: number;
  /** Upper bound of sockets per TF Serving origin, shared by every serving on it (default 32). */
  readonly connectionsPerOrigin?: number;
  /** Idle keep-alive sockets are closed after this long (default 4000 ms). */
  readonly keepAliveTimeoutMs?: number;
  /** How often each instance is probed (default 5000 ms); a serving may override it in `options`. */
  readonly healthCheckIntervalMs?: number;
  readonly logger?: HealthLogger;
}

const TF_SERVING_REST_TIMEOUT_MS = 30_000;
const DEFAULT_CONNECTIONS_PER_ORIGIN = 32;
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 4_000;
const DEFAULT_HEALTH_CHECK_INTERVAL_MS = 5_000;

/**
 * Builds TF Serving backends that share one keep-alive connection pool per origin.
 *
 * Per-serving settings read from `BackendConfig`: `endpoints` (≥1 http(s) base URL, e.g.
 * `http://host:8501`), `requestTimeoutMs`, and in `options`: `model` (probed by the health check) and
 * `healthCheckIntervalMs`.
 */
export class TensorflowServingBackendFactory implements BackendFactory {
  readonly kind = 'TENSORFLOW_SERVING' as const;
  private readonly pools: OriginPools;
  private readonly backends = new Set<TensorflowServingBackend>();
  private readonly logger: HealthLogger;
  private readonly defaults: { readonly timeoutMs: number; readonly healthCheckIntervalMs: number };
  private closing: Promise<void> | undefined;

  constructor(options: TensorflowServingBackendFactoryOptions = {}) {
    this.defaults = {
      timeoutMs: options.defaultTimeoutMs ?? TF_SERVING_REST_TIMEOUT_MS,
      healthCheckIntervalMs: options.healthCheckIntervalMs ?? DEFAULT_HEALTH_CHECK_INTERVAL_MS,
    };
    this.pools = new OriginPools({
      connectionsPerOrigin: options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    });
    this.logger = options.logger ?? console;
  }

  create(config: BackendConfig): ServingBackend {
    if (this.closing) throw new Error('TensorflowServingBackendFactory is closed');
    const settings = validateTensorflowServingConfig(config, this.defaults);
    const backend: TensorflowServingBackend = new TensorflowServingBackend(settings, {
      pools: this.pools,
      logger: this.logger,
      onClose: () => this.backends.delete(backend),
    });
    this.backends.add(backend);
    return backend;
  }

  /** Closes every backend it created (timers, pools). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.backends].map((backend) => backend.close()));
      await this.pools.closeAll();
    })();
    return this.closing;
  }
}
