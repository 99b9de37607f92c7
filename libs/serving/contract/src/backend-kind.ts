/**
 * Every backend kind a serving can name. The names follow the Hopsworks `modelServer` field where one
 * exists (TENSORFLOW_SERVING); the others are this gateway's. A kind listed here may still be a stub
 * adapter that refuses to create backends (see BackendErrorCode.KIND_NOT_AVAILABLE).
 */
export const BACKEND_KINDS = ['TENSORFLOW_SERVING', 'ONNX', 'KSERVE_V2', 'TORCHSERVE'] as const;

export type BackendKind = (typeof BACKEND_KINDS)[number];

export function isBackendKind(value: unknown): value is BackendKind {
  return typeof value === 'string' && (BACKEND_KINDS as readonly string[]).includes(value);
}
