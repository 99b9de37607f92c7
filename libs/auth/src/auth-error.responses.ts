import { AuthErrorCode } from './auth.error';

/** An auth failure as it goes on the wire: HTTP status, Hopsworks errorCode and its fixed errorMsg. */
export interface AuthErrorResponse {
  readonly status: number;
  readonly errorCode: number;
  readonly errorMsg: string;
}

/**
 * Hopsworks' codes for every AuthErrorCode (JWTFilter, ApiKeyFilter, AuthService, ProjectAuthFilter).
 * Owned here so every app that authenticates (the gateway, the log consumer) answers alike; each app's
 * error filter maps them, exhaustively (`satisfies`: a new code without a row does not compile).
 */
export const AUTH_ERROR_RESPONSES = {
  [AuthErrorCode.NOT_AUTHENTICATED]: {
    status: 401,
    errorCode: 200003,
    errorMsg: 'Authorization header not set.',
  },
  [AuthErrorCode.INVALID_TOKEN]: { status: 401, errorCode: 200003, errorMsg: 'Invalidated token.' },
  [AuthErrorCode.BAD_CREDENTIALS]: {
    status: 401,
    errorCode: 160008,
    errorMsg: 'Incorrect email or password.',
  },
  [AuthErrorCode.ACCOUNT_BLOCKED]: {
    status: 401,
    errorCode: 160007,
    errorMsg: 'This account has been blocked.',
  },
  [AuthErrorCode.PROJECT_NOT_FOUND]: { status: 404, errorCode: 150004, errorMsg: "Project wasn't found." },
  [AuthErrorCode.NOT_A_MEMBER]: {
    status: 403,
    errorCode: 160000,
    errorMsg: 'No valid role found for this user',
  },
  [AuthErrorCode.ROLE_NOT_ALLOWED]: {
    status: 403,
    errorCode: 150068,
    errorMsg: 'Your role in this project is not authorized to perform this action.',
  },
  // SecurityErrorCode.REST_ACCESS_CONTROL: JWTFilter's answer to a user role outside allowedUserRoles.
  [AuthErrorCode.USER_ROLE_NOT_ALLOWED]: {
    status: 403,
    errorCode: 200014,
    errorMsg: 'Client not authorized for this invocation.',
  },
  [AuthErrorCode.API_KEY_INVALID]: {
    status: 401,
    errorCode: 320012,
    errorMsg: 'Invalid or incorrect API key.',
  },
  [AuthErrorCode.API_KEY_NOT_FOUND]: {
    status: 401,
    errorCode: 320013,
    errorMsg: 'API key not found in the database',
  },
  [AuthErrorCode.API_KEY_ROLE_NOT_ALLOWED]: {
    status: 403,
    errorCode: 320003,
    errorMsg: 'No valid role found for this invocation',
  },
  [AuthErrorCode.API_KEY_SCOPE_NOT_ALLOWED]: {
    status: 403,
    errorCode: 320004,
    errorMsg: 'No valid scope found for this invocation',
  },
} satisfies Record<AuthErrorCode, AuthErrorResponse>;
