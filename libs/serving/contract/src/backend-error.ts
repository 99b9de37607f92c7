/** Why a backend call produced no HTTP answer. Owned by the serving domain; the API maps these codes. */
export enum BackendErrorCode {
  /** Connection refused/reset, DNS, socket errors: nothing usable came back. */
  UNREACHABLE = 'UNREACHABLE',
  /** The per-request timeout fired before the answer was complete. */
  TIMEOUT = 'TIMEOUT',
  /** The backend answered with no body where one is required. */
  EMPTY_RESPONSE = 'EMPTY_RESPONSE',
  /** The answer could not be read (truncated stream, bad framing). */
  BAD_RESPONSE = 'BAD_RESPONSE',
  /** The serving names a backend kind whose adapter is a stub. */
  KIND_NOT_AVAILABLE = 'KIND_NOT_AVAILABLE',
  /** The serving's backend settings are invalid for its kind (e.g. no endpoint for TF Serving). */
  BAD_CONFIG = 'BAD_CONFIG',
  /** The call was aborted by the caller (client went away). */
  ABORTED = 'ABORTED',
}

export class BackendError extends Error {
  constructor(
    readonly code: BackendErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BackendError';
  }
}

export function isBackendError(error: unknown): error is BackendError {
  return error instanceof BackendError;
}
