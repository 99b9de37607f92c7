import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { readBody } from './read-body';

/**
 * Inference bodies are forwarded as the caller's bytes: never parsed or re-serialised (TF Serving
 * accepts NaN/Infinity tokens and int64s beyond 2^53 that JSON.parse would change). The backend
 * judges the JSON, as Hopsworks lets TF Serving do.
 */
@Injectable()
export class RawBodyMiddleware implements NestMiddleware {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async use(request: Request, _response: Response, next: NextFunction): Promise<void> {
    request.body = await readBody(request, this.config.http.maxRequestBytes);
    next();
  }
}
