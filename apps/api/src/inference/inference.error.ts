/** The inference domain's failures, named after Hopsworks' InferenceErrorCode (range 250000). */
export enum InferenceErrorCode {
  SERVING_NOT_FOUND = 'SERVING_NOT_FOUND',
  SERVING_NOT_RUNNING = 'SERVING_NOT_RUNNING',
  REQUEST_ERROR = 'REQUEST_ERROR',
  EMPTY_RESPONSE = 'EMPTY_RESPONSE',
  BAD_REQUEST = 'BAD_REQUEST',
  MISSING_VERB = 'MISSING_VERB',
  ERROR_READING_RESPONSE = 'ERROR_READING_RESPONSE',
  SERVING_INSTANCE_INTERNAL = 'SERVING_INSTANCE_INTERNAL',
  SERVING_INSTANCE_BAD_REQUEST = 'SERVING_INSTANCE_BAD_REQUEST',
  UNAUTHORIZED = 'UNAUTHORIZED',
  FORBIDDEN = 'FORBIDDEN',
  ENDPOINT_NOT_FOUND = 'ENDPOINT_NOT_FOUND',
}

export class InferenceError extends Error {
  constructor(
    readonly code: InferenceErrorCode,
    /** Shown to the caller as usrMsg. */
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(userMessage, options);
    this.name = 'InferenceError';
  }
}
