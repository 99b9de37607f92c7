import { type BackendConfig, BackendError, BackendErrorCode } from '@infergate/serving-contract';

/** One TF Serving instance as the adapter addresses it. */
export interface EndpointTarget {
  /** The endpoint as configured, without a trailing slash: used in logs, errors and health detail. */
  readonly endpoint: string;
  /** `protocol://host:port`: the key under which connection pools are shared. */
  readonly origin: string;
  /** Path prefix before `/v1/...` (empty unless TF Serving sits behind a path-routing proxy). */
  readonly basePath: string;
}

export interface TensorflowServingSettings {
  readonly targets: readonly EndpointTarget[];
  readonly timeoutMs: number;
  readonly healthCheckIntervalMs: number;
  /** Model probed by the health check; without one the probe only proves the REST server answers. */
  readonly healthModel?: string;
}

function badConfig(message: string): BackendError {
  return new BackendError(BackendErrorCode.BAD_CONFIG, message);
}

function parseEndpoint(value: unknown, index: number): EndpointTarget {
  const shown = JSON.stringify(value);
  if (typeof value !== 'string' || value.trim() === '') {
    throw badConfig(`TENSORFLOW_SERVING endpoint #${index} ${shown} is not a URL`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badConfig(
      `TENSORFLOW_SERVING endpoint ${shown} is not an absolute URL (expected e.g. http://host:8501)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badConfig(`TENSORFLOW_SERVING endpoint ${shown} must use http or https, not ${url.protocol}`);
  }
  // TF Serving matches its route regex against the path including the query string (api_rest.md), so a
  // query or fragment on the base URL would break every route.
  if (url.search !== '' || url.hash !== '') {
    throw badConfig(`TENSORFLOW_SERVING endpoint ${shown} must not carry a query string or fragment`);
  }
  if (url.username !== '' || url.password !== '') {
    throw badConfig(`TENSORFLOW_SERVING endpoint ${shown} must not embed credentials`);
  }
  const basePath = url.pathname.replace(/\/+$/, '');
  return { endpoint: `${url.origin}${basePath}`, origin: url.origin, basePath };
}

function positiveMs(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw badConfig(`TENSORFLOW_SERVING ${what} ${JSON.stringify(value)} must be a positive number of ms`);
  }
  return value;
}

/**
 * Validates the TF Serving part of a serving's backend config once, at create() time, so requests never
 * meet a bad URL. Errors name the offending value: that is what an operator has to fix.
 */
export function validateTensorflowServingConfig(
  config: BackendConfig,
  defaults: { readonly timeoutMs: number; readonly healthCheckIntervalMs: number },
): TensorflowServingSettings {
  if (config.kind !== 'TENSORFLOW_SERVING') {
    throw badConfig(`backend kind ${JSON.stringify(config.kind)} given to the TENSORFLOW_SERVING factory`);
  }
  if (!Array.isArray(config.endpoints) || config.endpoints.length === 0) {
    throw badConfig(
      `TENSORFLOW_SERVING needs at least one endpoint URL (e.g. http://host:8501), got ${JSON.stringify(config.endpoints)}`,
    );
  }
  const targets = config.endpoints.map(parseEndpoint);
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target.endpoint))
      throw badConfig(`TENSORFLOW_SERVING endpoint ${target.endpoint} is listed twice`);
    seen.add(target.endpoint);
  }

  const timeoutMs =
    config.requestTimeoutMs === undefined
      ? defaults.timeoutMs
      : positiveMs(config.requestTimeoutMs, 'requestTimeoutMs');
  const interval = config.options?.['healthCheckIntervalMs'];
  const healthCheckIntervalMs =
    interval === undefined
      ? defaults.healthCheckIntervalMs
      : positiveMs(interval, 'options.healthCheckIntervalMs');
  const healthModel = config.options?.['model'];
  if (healthModel !== undefined && (typeof healthModel !== 'string' || healthModel === '')) {
    throw badConfig(`TENSORFLOW_SERVING options.model ${JSON.stringify(healthModel)} must be a model name`);
  }
  return { targets, timeoutMs, healthCheckIntervalMs, healthModel };
}
