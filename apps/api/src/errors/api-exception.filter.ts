import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { AuthError } from '@infergate/auth';
import type { Response } from 'express';
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

/** Hopsworks' error body (RESTException.buildJsonResponse at the PROD log level). */
export interface ErrorBody {
  readonly errorCode: number;
  readonly errorMsg: string;
  readonly usrMsg: string;
}

/**
 * The one place errors become HTTP answers. Domain errors map through the catalogue; Nest's own
 * HttpExceptions (unknown route, wrong method) keep their status; anything else is a 500 whose cause is
 * logged with a correlation id that the caller also gets, so a report can be matched to the log line.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { entry, usrMsg } = this.describe(exception);
    if (response.headersSent) {
      response.end();
      return;
    }
    const body: ErrorBody = { errorCode: entry.errorCode, errorMsg: entry.errorMsg, usrMsg };
    response.status(entry.status).type('application/json').send(JSON.stringify(body));
  }

  private describe(exception: unknown): { entry: CatalogueEntry; usrMsg: string } {
    if (exception instanceof InferenceError)
      return { entry: INFERENCE_ERRORS[exception.code], usrMsg: exception.userMessage };
    if (exception instanceof AuthError)
      return { entry: AUTH_ERRORS[exception.code], usrMsg: exception.message };
    if (exception instanceof RequestError)
      return { entry: REQUEST_ERRORS[exception.code], usrMsg: exception.message };
    if (exception instanceof ServingError)
      return { entry: SERVING_ERRORS[exception.code], usrMsg: exception.message };
    if (exception instanceof KafkaError)
      return { entry: KAFKA_ERRORS[exception.code], usrMsg: exception.message };
    if (exception instanceof UserError)
      return { entry: USER_ERRORS[exception.code], usrMsg: exception.message };
    if (exception instanceof ProjectError)
      return { entry: PROJECT_ERRORS[exception.code], usrMsg: exception.message };
    if (exception instanceof ApiKeyError)
      return { entry: API_KEY_ERRORS[exception.code], usrMsg: exception.message };
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
    this.logger.error(
      `unhandled error ${correlationId}: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
    );
    return { entry: UNKNOWN_ERROR, usrMsg: `Internal error, reference ${correlationId}` };
  }
}
