import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { BackendResolver } from '@infergate/serving-registry';
import {
  BackendError,
  BackendErrorCode,
  type BackendResponse,
  type CancelSignal,
  type InferenceVerb,
} from '@infergate/serving-contract';
import { NOT_CACHED, ServingRepository, type ServingRow } from '@infergate/store';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { InferenceLogService } from '../inference-log/inference-log.service';
import { MetricsService } from '../metrics/metrics.service';
import { servingBackendSpec } from '../servings/serving-backend-spec';
import { InferenceError, InferenceErrorCode } from './inference.error';
import type { InferenceTarget } from './inference-path';

export interface InferenceAnswer {
  readonly body: Uint8Array;
  readonly contentType: string;
}

/**
 * Hopsworks' InferenceController.infer: find the serving, forward to its backend, log every answer the
 * backend gave (4xx/5xx included), then map the backend status: 2xx/3xx pass through as 200 with the body
 * unchanged; 401/403/other 4xx/5xx become the 2500xx errors with the backend body as usrMsg.
 */
@Injectable()
export class InferenceService {
  constructor(
    private readonly servings: ServingRepository,
    private readonly backends: BackendResolver,
    private readonly inferenceLog: InferenceLogService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async infer(
    projectId: number,
    target: InferenceTarget,
    body: Buffer,
    signal?: CancelSignal,
  ): Promise<InferenceAnswer> {
    // The lookup cache answers nearly every request without a promise.
    const cached = this.servings.peekByProjectAndName(projectId, target.modelName);
    const serving =
      cached !== NOT_CACHED ? cached : await this.servings.findByProjectAndName(projectId, target.modelName);
    if (!serving) throw new InferenceError(InferenceErrorCode.SERVING_NOT_FOUND, `name: ${target.modelName}`);
    if (!target.verb) throw new InferenceError(InferenceErrorCode.MISSING_VERB, 'Inference verb is missing');
    if (serving.status !== 'Running') {
      throw new InferenceError(
        InferenceErrorCode.SERVING_NOT_RUNNING,
        `Serving ${serving.name} is ${serving.status}`,
      );
    }
    const response = await this.callBackend(serving, target, target.verb, body, signal);
    this.inferenceLog.record(
      serving,
      target.version ?? serving.model_version,
      body,
      response.status,
      response.body,
    );
    return mapBackendStatus(response);
  }

  private async callBackend(
    serving: ServingRow,
    target: InferenceTarget,
    verb: InferenceVerb,
    body: Buffer,
    signal?: CancelSignal,
  ): Promise<BackendResponse> {
    const started = performance.now();
    let outcome = 'error';
    try {
      const backend = this.backends.backendFor(servingBackendSpec(serving, this.config.backends.timeoutMs));
      const response = await backend.infer({
        model: { name: serving.model_name, version: target.version },
        verb,
        body,
        signal,
      });
      outcome = `${Math.floor(response.status / 100)}xx`;
      return response;
    } catch (error) {
      if (error instanceof BackendError) {
        outcome = error.code;
        throw toInferenceError(serving, error);
      }
      throw error;
    } finally {
      const kind = serving.backend_kind;
      this.metrics.backendDuration
        .seriesFor(`${kind} ${outcome}`, () => ({ kind, outcome }))
        .observe((performance.now() - started) / 1000);
    }
  }
}

function mapBackendStatus(response: BackendResponse): InferenceAnswer {
  const { status } = response;
  if (status < 400) return { body: response.body, contentType: response.contentType || 'application/json' };
  const text = Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength).toString(
    'utf8',
  );
  if (status >= 500) throw new InferenceError(InferenceErrorCode.SERVING_INSTANCE_INTERNAL, text);
  if (status === 401) throw new InferenceError(InferenceErrorCode.UNAUTHORIZED, text);
  if (status === 403) throw new InferenceError(InferenceErrorCode.FORBIDDEN, text);
  throw new InferenceError(InferenceErrorCode.SERVING_INSTANCE_BAD_REQUEST, text);
}

function toInferenceError(serving: ServingRow, error: BackendError): InferenceError {
  const options = { cause: error };
  switch (error.code) {
    case BackendErrorCode.UNREACHABLE:
    case BackendErrorCode.TIMEOUT:
    case BackendErrorCode.ABORTED:
      return new InferenceError(InferenceErrorCode.REQUEST_ERROR, error.message, options);
    case BackendErrorCode.EMPTY_RESPONSE:
      return new InferenceError(InferenceErrorCode.EMPTY_RESPONSE, error.message, options);
    case BackendErrorCode.BAD_RESPONSE:
      return new InferenceError(InferenceErrorCode.ERROR_READING_RESPONSE, error.message, options);
    case BackendErrorCode.KIND_NOT_AVAILABLE:
      return new InferenceError(
        InferenceErrorCode.SERVING_NOT_RUNNING,
        `Serving ${serving.name}: ${error.message}`,
        options,
      );
    case BackendErrorCode.BAD_CONFIG:
      return new InferenceError(
        InferenceErrorCode.ENDPOINT_NOT_FOUND,
        `Serving ${serving.name}: ${error.message}`,
        options,
      );
    default: {
      const unknown: never = error.code;
      return new InferenceError(
        InferenceErrorCode.REQUEST_ERROR,
        `backend error ${String(unknown)}`,
        options,
      );
    }
  }
}
