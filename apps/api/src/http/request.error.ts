/** Failures of the HTTP request itself, before any domain sees it. */
export enum RequestErrorCode {
  MALFORMED_BODY = 'MALFORMED_BODY',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  ROUTE_NOT_FOUND = 'ROUTE_NOT_FOUND',
}

export class RequestError extends Error {
  constructor(
    readonly code: RequestErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}
