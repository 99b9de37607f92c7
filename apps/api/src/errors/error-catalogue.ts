import { AuthErrorCode } from '@infergate/auth';
import { InferenceErrorCode } from '../inference/inference.error';
import { RequestErrorCode } from '../http/request.error';

/** One row of the wire contract: HTTP status, Hopsworks errorCode and its fixed errorMsg. */
export interface CatalogueEntry {
  readonly status: number;
  readonly errorCode: number;
  readonly errorMsg: string;
}

/**
 * Hopsworks' RESTCodes for the codes this gateway can produce. `satisfies Record<Enum, …>` makes a new
 * domain code without a row a compile error, so no error can fall through to a generic 500.
 */
export const INFERENCE_ERRORS = {
  [InferenceErrorCode.SERVING_NOT_FOUND]: {
    status: 404,
    errorCode: 250000,
    errorMsg: 'Serving instance not found',
  },
  [InferenceErrorCode.SERVING_NOT_RUNNING]: {
    status: 400,
    errorCode: 250001,
    errorMsg: 'Serving instance not running',
  },
  [InferenceErrorCode.REQUEST_ERROR]: {
    status: 500,
    errorCode: 250002,
    errorMsg: 'Error contacting the serving server',
  },
  [InferenceErrorCode.EMPTY_RESPONSE]: {
    status: 500,
    errorCode: 250003,
    errorMsg: 'Empty response from the serving server',
  },
  [InferenceErrorCode.BAD_REQUEST]: { status: 400, errorCode: 250004, errorMsg: 'Request malformed' },
  [InferenceErrorCode.MISSING_VERB]: { status: 400, errorCode: 250005, errorMsg: 'Verb is missing' },
  [InferenceErrorCode.ERROR_READING_RESPONSE]: {
    status: 500,
    errorCode: 250006,
    errorMsg: 'Error while reading the response',
  },
  [InferenceErrorCode.SERVING_INSTANCE_INTERNAL]: {
    status: 500,
    errorCode: 250007,
    errorMsg: 'Serving instance internal error',
  },
  [InferenceErrorCode.SERVING_INSTANCE_BAD_REQUEST]: {
    status: 400,
    errorCode: 250008,
    errorMsg: 'Serving instance bad request error',
  },
  [InferenceErrorCode.UNAUTHORIZED]: { status: 401, errorCode: 250010, errorMsg: 'Unauthorized request' },
  [InferenceErrorCode.FORBIDDEN]: { status: 403, errorCode: 250011, errorMsg: 'Forbidden request' },
  [InferenceErrorCode.ENDPOINT_NOT_FOUND]: {
    status: 500,
    errorCode: 250012,
    errorMsg: 'Inference endpoint not found',
  },
} satisfies Record<InferenceErrorCode, CatalogueEntry>;

export const AUTH_ERRORS = {
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
} satisfies Record<AuthErrorCode, CatalogueEntry>;

/** Hopsworks' GenericErrorCode rows for request-level failures. */
export const REQUEST_ERRORS = {
  [RequestErrorCode.MALFORMED_BODY]: {
    status: 400,
    errorCode: 120001,
    errorMsg: 'Request body is malformed',
  },
  [RequestErrorCode.PAYLOAD_TOO_LARGE]: {
    status: 413,
    errorCode: 120004,
    errorMsg: 'Request body too large',
  },
  [RequestErrorCode.VALIDATION_FAILED]: { status: 422, errorCode: 120001, errorMsg: 'Illegal argument' },
  [RequestErrorCode.ROUTE_NOT_FOUND]: { status: 404, errorCode: 120004, errorMsg: 'Not found' },
} satisfies Record<RequestErrorCode, CatalogueEntry>;

export const UNKNOWN_ERROR: CatalogueEntry = {
  status: 500,
  errorCode: 120000,
  errorMsg: 'A generic error occurred.',
};
