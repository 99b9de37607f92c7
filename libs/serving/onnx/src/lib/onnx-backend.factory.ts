import {
  BackendError,
  BackendErrorCode,
  type BackendConfig,
  type BackendFactory,
  type ServingBackend,
} from '@infergate/serving-contract';
import { ModelServer, type InferenceThread, type ModelServerLogger } from '@infergate/model-server-core';
import { OnnxServingBackend } from './onnx-serving.backend';

export interface OnnxBackendFactoryOptions {
  /** TF-Serving-layout repository: `<dir>/<model>/<version>/model.onnx`. */
  readonly repositoryDir: string;
  readonly intraOpNumThreads?: number;
  readonly pollIntervalMs?: number;
  /**
   * 'auto' (default) starts each model version in a worker thread and moves it onto the gateway's event
   * loop while its runs stay fast; 'worker' always keeps model compute off the loop; 'main' always saves
   * the message round trip.
   */
  readonly inferenceThread?: InferenceThread;
  readonly logger?: ModelServerLogger;
}

/**
 * The embedded `ONNX` backend kind: one in-process ModelServer, opened on first use and shared by every
 * backend this factory creates, so each model version has exactly one ORT session in the process.
 */
export class OnnxBackendFactory implements BackendFactory {
  readonly kind = 'ONNX' as const;
  private server: Promise<ModelServer> | null = null;
  private closed = false;

  constructor(private readonly options: OnnxBackendFactoryOptions) {}

  create(config: BackendConfig): ServingBackend {
    if (config.kind !== 'ONNX')
      throw new BackendError(
        BackendErrorCode.BAD_CONFIG,
        `OnnxBackendFactory cannot build a ${config.kind} backend`,
      );
    const model = config.options?.['model'];
    if (model !== undefined && typeof model !== 'string') {
      throw new BackendError(
        BackendErrorCode.BAD_CONFIG,
        'ONNX backend option "model" must be a model name (string)',
      );
    }
    if (config.requestTimeoutMs !== undefined && !(config.requestTimeoutMs > 0)) {
      throw new BackendError(
        BackendErrorCode.BAD_CONFIG,
        'ONNX backend requestTimeoutMs must be a positive number',
      );
    }
    return new OnnxServingBackend(() => this.modelServer(), {
      model,
      requestTimeoutMs: config.requestTimeoutMs,
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const server = this.server;
    this.server = null;
    if (server) await (await server.catch(() => null))?.close();
  }

  private modelServer(): Promise<ModelServer> {
    if (this.closed)
      return Promise.reject(
        new BackendError(BackendErrorCode.UNREACHABLE, 'the embedded ONNX model server is closed'),
      );
    if (!this.server) {
      const opening = ModelServer.open(this.options);
      this.server = opening;
      // A failed open is retried by the next call instead of being cached.
      opening.catch(() => {
        if (this.server === opening) this.server = null;
      });
    }
    return this.server;
  }
}
