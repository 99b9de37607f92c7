import type { ServingBackendSpec } from '@infergate/serving-registry';
import type { ServingRow } from '@infergate/store';

/**
 * The backend settings of a serving as the registry sees them. Inference and serving management must
 * build the same spec: the registry rebuilds a serving's backend whenever the spec's fingerprint changes.
 */
export function servingBackendSpec(serving: ServingRow, defaultTimeoutMs: number): ServingBackendSpec {
  return {
    servingId: serving.id,
    kind: serving.backend_kind,
    endpoints: JSON.parse(serving.backend_endpoints) as string[],
    requestTimeoutMs: serving.request_timeout_ms ?? defaultTimeoutMs,
    // Health checks ask the backend about this serving's model, not just whether it answers.
    options: { model: serving.model_name },
  };
}
