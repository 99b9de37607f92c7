/** API key management failures, named after Hopsworks' ApiKeyErrorCode (range 320000). */
export enum ApiKeyErrorCode {
  KEY_SCOPE_NOT_SPECIFIED = 'KEY_SCOPE_NOT_SPECIFIED',
  KEY_NAME_EXIST = 'KEY_NAME_EXIST',
  KEY_NAME_NOT_SPECIFIED = 'KEY_NAME_NOT_SPECIFIED',
  KEY_NAME_NOT_VALID = 'KEY_NAME_NOT_VALID',
}

export class ApiKeyError extends Error {
  constructor(
    readonly code: ApiKeyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiKeyError';
  }
}
