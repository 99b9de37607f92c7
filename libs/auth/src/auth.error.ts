/** Authentication and project-access failures; the API maps each code to Hopsworks' status and errorCode. */
export enum AuthErrorCode {
  /** No Authorization header, or a scheme this gateway does not accept. */
  NOT_AUTHENTICATED = 'NOT_AUTHENTICATED',
  /** A Bearer token that is malformed, forged, expired or of the wrong audience. */
  INVALID_TOKEN = 'INVALID_TOKEN',
  /** Unknown email or wrong password (the anchor does not tell them apart). */
  BAD_CREDENTIALS = 'BAD_CREDENTIALS',
  ACCOUNT_BLOCKED = 'ACCOUNT_BLOCKED',
  PROJECT_NOT_FOUND = 'PROJECT_NOT_FOUND',
  NOT_A_MEMBER = 'NOT_A_MEMBER',
  ROLE_NOT_ALLOWED = 'ROLE_NOT_ALLOWED',
}

export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}
