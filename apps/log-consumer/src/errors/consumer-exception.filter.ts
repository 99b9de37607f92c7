import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { AUTH_ERROR_RESPONSES, AuthError } from '@infergate/auth';
import type { Response } from 'express';
import { StatsError, StatsErrorCode } from './stats.error';

interface Entry {
  readonly status: number;
  readonly errorCode: number;
  readonly errorMsg: string;
}

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
    if (exception instanceof AuthError)
      return { entry: AUTH_ERROR_RESPONSES[exception.code], usrMsg: exception.message };
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
