import { randomUUID } from 'node:crypto';
import { HttpException, Logger } from '@nestjs/common';
import { AuthError } from '@infergate/auth';
import { ApiKeyError } from '../api-keys/api-key.error';
import { InferenceError } from '../inference/inference.error';
import { RequestError, RequestErrorCode } from '../http/request.error';
import { KafkaError } from '../kafka/kafka.error';
import { ProjectError } from '../projects/project.error';
import { ServingError } from '../servings/serving.error';
import { UserError } from '../users/user.error';
import {
  API_KEY_ERRORS,
  AUTH_ERRORS,
  INFERENCE_ERRORS,
  KAFKA_ERRORS,
  PROJECT_ERRORS,
  REQUEST_ERRORS,
  SERVING_ERRORS,
  UNKNOWN_ERROR,
  USER_ERRORS,
  type CatalogueEntry,
} from './error-catalogue';

interface DomainErrors {
  readonly type: abstract new (...args: never[]) => Error & { readonly code: string };
  readonly rows: Readonly<Record<string, CatalogueEntry>>;
}

/** Pairs a domain's error class with its catalogue rows; the types make the rows cover its codes. */
function domain<C extends string>(
  type: abstract new (...args: never[]) => Error & { readonly code: C },
  rows: Readonly<Record<C, CatalogueEntry>>,
): DomainErrors {
  return { type, rows };
}

/** Every domain whose errors reach HTTP; its `message` is the caller's usrMsg. */
const DOMAIN_ERRORS: readonly DomainErrors[] = [
  domain(InferenceError, INFERENCE_ERRORS),
  domain(AuthError, AUTH_ERRORS),
  domain(RequestError, REQUEST_ERRORS),
  domain(ServingError, SERVING_ERRORS),
  domain(KafkaError, KAFKA_ERRORS),
  domain(UserError, USER_ERRORS),
  domain(ProjectError, PROJECT_ERRORS),
  domain(ApiKeyError, API_KEY_ERRORS),
];

/** Hopsworks' error body (RESTException.buildJsonResponse at the PROD log level). */
export interface ErrorBody {
  readonly errorCode: number;
  readonly errorMsg: string;
  readonly usrMsg: string;
}

export interface ErrorResponse {
  readonly status: number;
  readonly body: ErrorBody;
}

const logger = new Logger('ApiExceptionFilter');

/**
 * The one place errors become HTTP answers (ApiExceptionFilter for Nest's routes, InferenceLane for the
 * inference route's own lane). Domain errors map through the catalogue; Nest's own HttpExceptions
 * (unknown route, wrong method) keep their status; anything else is a 500 whose cause is logged with a
 * correlation id that the caller also gets, so a report can be matched to the log line.
 */
export function errorResponse(exception: unknown): ErrorResponse {
  const { entry, usrMsg } = describe(exception);
  return { status: entry.status, body: { errorCode: entry.errorCode, errorMsg: entry.errorMsg, usrMsg } };
}

function describe(exception: unknown): { entry: CatalogueEntry; usrMsg: string } {
  for (const { type, rows } of DOMAIN_ERRORS) {
    if (exception instanceof type) return { entry: rows[exception.code], usrMsg: exception.message };
  }
  // Nest's Fastify adapter hands Fastify's own 4xx errors over wrapped in an HttpException (cause: the
  // FST_ error); unwrapped, they get the request-level rows.
  const fastifyError = describeFastifyError(exception instanceof HttpException ? exception.cause : exception);
  if (fastifyError) return fastifyError;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404)
      return { entry: REQUEST_ERRORS[RequestErrorCode.ROUTE_NOT_FOUND], usrMsg: exception.message };
    if (status < 500)
      return {
        entry: { status, errorCode: 120004, errorMsg: exception.message },
        usrMsg: exception.message,
      };
  }
  const correlationId = randomUUID();
  logger.error(
    `unhandled error ${correlationId}: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
  );
  return { entry: UNKNOWN_ERROR, usrMsg: `Internal error, reference ${correlationId}` };
}

/**
 * Errors Fastify raises before a handler runs (body over the limit, unreadable body) carry a
 * `statusCode` and an `FST_*` code; they are the caller's fault and get the request-level rows.
 */
function describeFastifyError(exception: unknown): { entry: CatalogueEntry; usrMsg: string } | undefined {
  const { code, statusCode, message } = (exception ?? {}) as {
    code?: unknown;
    statusCode?: unknown;
    message?: string;
  };
  if (
    typeof code !== 'string' ||
    !code.startsWith('FST_') ||
    typeof statusCode !== 'number' ||
    statusCode >= 500
  ) {
    return undefined;
  }
  if (statusCode === 413)
    return { entry: REQUEST_ERRORS[RequestErrorCode.PAYLOAD_TOO_LARGE], usrMsg: message ?? code };
  return {
    entry: { ...REQUEST_ERRORS[RequestErrorCode.MALFORMED_BODY], status: statusCode },
    usrMsg: message ?? code,
  };
}
