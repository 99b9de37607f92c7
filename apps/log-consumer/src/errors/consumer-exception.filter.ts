import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { AuthError, AuthErrorCode } from '@infergate/auth';
import type { Response } from 'express';
import { StatsError, StatsErrorCode } from './stats.error';

interface Entry {
  readonly status: number;
  readonly errorCode: number;
  readonly errorMsg: string;
}

// The gateway's rows for the same codes (apps/api/src/errors/error-catalogue.ts), so both apps answer
// auth failures with the same Hopsworks body. Kept in step by the consumer's e2e spec.
const AUTH: Record<AuthErrorCode, Entry> = {
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
};

const STATS: Record<StatsErrorCode, Entry> = {
  // Hopsworks' ServingErrorCode.INSTANCE_NOT_FOUND, as the gateway's serving routes answer it.
  [StatsErrorCode.SERVING_NOT_FOUND]: {
    status: 404,
    errorCode: 240000,
    errorMsg: 'Serving instance not found',
  },
  [StatsErrorCode.INVALID_TAIL]: { status: 422, errorCode: 120001, errorMsg: 'Illegal argument' },
};

const UNKNOWN: Entry = { status: 500, errorCode: 120000, errorMsg: 'A generic error occurred.' };

/** Hopsworks' error body `{errorCode, errorMsg, usrMsg}` for the consumer's HTTP routes. */
@Catch()
export class ConsumerExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ConsumerExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      // A Kafka event handler failed: log it; the record stays counted or not, consumption goes on.
      this.logger.error(`inference-log event failed: ${String(exception)}`);
      return;
    }
    const response = host.switchToHttp().getResponse<Response>();
    const { entry, usrMsg } = this.describe(exception);
    if (response.headersSent) return void response.end();
    response
      .status(entry.status)
      .type('application/json')
      .send(JSON.stringify({ errorCode: entry.errorCode, errorMsg: entry.errorMsg, usrMsg }));
  }

  private describe(exception: unknown): { entry: Entry; usrMsg: string } {
    if (exception instanceof AuthError) return { entry: AUTH[exception.code], usrMsg: exception.message };
    if (exception instanceof StatsError) return { entry: STATS[exception.code], usrMsg: exception.message };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404)
        return { entry: { status, errorCode: 120004, errorMsg: 'Not found' }, usrMsg: exception.message };
      if (status === 400) return { entry: STATS[StatsErrorCode.INVALID_TAIL], usrMsg: exception.message };
      if (status < 500)
        return {
          entry: { status, errorCode: 120004, errorMsg: exception.message },
          usrMsg: exception.message,
        };
    }
    const correlationId = randomUUID();
    this.logger.error(
      `unexpected error ${correlationId}: ${exception instanceof Error ? exception.stack : String(exception)}`,
    );
    return { entry: UNKNOWN, usrMsg: `correlation id ${correlationId}` };
  }
}
