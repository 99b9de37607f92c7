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
  /** The caller's user role (e.g. HOPS_USER on an admin route) may not use this route. */
  USER_ROLE_NOT_ALLOWED = 'USER_ROLE_NOT_ALLOWED',
  /** `ApiKey` header whose key is malformed or whose secret does not match (Hopsworks KEY_INVALID). */
  API_KEY_INVALID = 'API_KEY_INVALID',
  /** `ApiKey` header whose prefix names no key (KEY_NOT_FOUND_IN_DATABASE). */
  API_KEY_NOT_FOUND = 'API_KEY_NOT_FOUND',
  /** The key's owner has no role allowed here, e.g. the account is blocked (KEY_ROLE_CONTROL_EXCEPTION). */
  API_KEY_ROLE_NOT_ALLOWED = 'API_KEY_ROLE_NOT_ALLOWED',
  /** The key lacks the scope the route needs (KEY_SCOPE_CONTROL_EXCEPTION). */
  API_KEY_SCOPE_NOT_ALLOWED = 'API_KEY_SCOPE_NOT_ALLOWED',
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
