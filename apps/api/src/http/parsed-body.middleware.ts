import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { readBody } from './read-body';
import { RequestError, RequestErrorCode } from './request.error';

/** Management routes: JSON or form-encoded bodies (Hopsworks' login is a form post), small. */
const LIMIT = 1024 * 1024;

@Injectable()
export class ParsedBodyMiddleware implements NestMiddleware {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async use(request: Request, _response: Response, next: NextFunction): Promise<void> {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'DELETE') return next();
    const raw = await readBody(request, Math.min(LIMIT, this.config.http.maxRequestBytes));
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const text = raw.toString('utf8');
    if (raw.length === 0) {
      request.body = {};
    } else if (type === 'application/json' || type.endsWith('+json')) {
      try {
        request.body = JSON.parse(text);
      } catch (error) {
        throw new RequestError(
          RequestErrorCode.MALFORMED_BODY,
          `Malformed JSON: ${(error as Error).message}`,
        );
      }
    } else if (type === 'application/x-www-form-urlencoded') {
      request.body = Object.fromEntries(new URLSearchParams(text));
    } else {
      throw new RequestError(
        RequestErrorCode.MALFORMED_BODY,
        `Unsupported content type: ${type || '(none)'}`,
      );
    }
    next();
  }
}
