/**
 * Hopsworks' ApiScope values this gateway knows. Only SERVING (inference and serving management) and
 * KAFKA (the inference schema) open routes here; the others are accepted so keys made for Hopsworks
 * clients can be recreated unchanged.
 */
export const API_KEY_SCOPES = [
  'SERVING',
  'KAFKA',
  'PROJECT',
  'JOB',
  'DATASET_VIEW',
  'DATASET_CREATE',
  'DATASET_DELETE',
  'FEATURESTORE',
  'MODELREGISTRY',
  'USER',
] as const;

export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export function isApiKeyScope(value: unknown): value is ApiKeyScope {
  return typeof value === 'string' && (API_KEY_SCOPES as readonly string[]).includes(value);
}
