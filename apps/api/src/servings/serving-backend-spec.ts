import type { ServingBackendSpec } from '@infergate/serving-registry';
import type { ServingRow } from '@infergate/store';

// Per serving row object: the store's lookup cache hands the same row to every request until the serving
// changes, so the endpoints are parsed (and the registry's fingerprint computed) once per row, not per request.
const specs = new WeakMap<ServingRow, ServingBackendSpec>();

/**
 * The backend settings of a serving as the registry sees them. Inference and serving management must
 * build the same spec: the registry rebuilds a serving's backend whenever the spec's fingerprint changes.
 */
export function servingBackendSpec(serving: ServingRow, defaultTimeoutMs: number): ServingBackendSpec {
  const cached = specs.get(serving);
  if (cached && (serving.request_timeout_ms ?? defaultTimeoutMs) === cached.requestTimeoutMs) return cached;
  const spec = buildSpec(serving, defaultTimeoutMs);
  specs.set(serving, spec);
  return spec;
}

function buildSpec(serving: ServingRow, defaultTimeoutMs: number): ServingBackendSpec {
  return {
    servingId: serving.id,
    kind: serving.backend_kind,
    endpoints: JSON.parse(serving.backend_endpoints) as string[],
    requestTimeoutMs: serving.request_timeout_ms ?? defaultTimeoutMs,
    // Health checks ask the backend about this serving's model, not just whether it answers.
    options: { model: serving.model_name },
  };
}
