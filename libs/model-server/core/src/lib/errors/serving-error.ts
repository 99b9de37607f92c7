/**
 * TF Serving's status codes (tensorflow.error.Code names) and the HTTP status its REST server maps each to
 * (http_server.cc ToHTTPStatusCode). Every failure the model server reports is one of these.
 */
export const STATUS_TO_HTTP = {
  OK: 200,
  CANCELLED: 499,
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  ABORTED: 409,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DATA_LOSS: 500,
} as const;

export type StatusCode = keyof typeof STATUS_TO_HTTP;

/** A failed TF-Serving status: the code picks the HTTP status, the message becomes `{"error": message}`. */
export class ServingError extends Error {
  constructor(
    readonly code: Exclude<StatusCode, 'OK'>,
    message: string,
    /** TF Serving answers some errors (version overflow) before it builds the JSON body: empty body then. */
    readonly emptyBody = false,
  ) {
    super(message);
    this.name = 'ServingError';
  }

  get httpStatus(): number {
    return STATUS_TO_HTTP[this.code];
  }

  /** Status::ToString(), as TF Serving embeds a nested status in a wrapping message. */
  toStatusString(): string {
    return `${this.code}: ${this.message}`;
  }
}

export function invalidArgument(message: string): ServingError {
  return new ServingError('INVALID_ARGUMENT', message);
}
