import {
  BackendError,
  BackendErrorCode,
  inferencePath,
  metadataPath,
  modelPath,
  type BackendHealth,
  type BackendResponse,
  type CancelSignal,
  type InferenceCall,
  type ModelRef,
  type ServingBackend,
} from '@infergate/serving-contract';
import { type ModelServer, type ModelServerResponse } from '@infergate/model-server-core';

const DEFAULT_TIMEOUT_MS = 30_000; // TF Serving's --rest_api_timeout_in_ms default
const EMPTY = new Uint8Array(0);

/**
 * One serving's view of the embedded model server: TF Serving REST semantics, called in-process (no HTTP
 * hop). Holds no per-request state; the ModelServer is shared through the factory.
 */
export class OnnxServingBackend implements ServingBackend {
  readonly kind = 'ONNX' as const;
  private closed = false;

  constructor(
    private readonly server: () => Promise<ModelServer>,
    private readonly settings: { readonly model?: string; readonly requestTimeoutMs?: number },
  ) {}

  infer(call: InferenceCall): Promise<BackendResponse> {
    return this.call('POST', inferencePath(call.model, call.verb), call.body, call.signal);
  }

  modelStatus(model: ModelRef, signal?: CancelSignal): Promise<BackendResponse> {
    return this.call('GET', modelPath(model), EMPTY, signal);
  }

  modelMetadata(model: ModelRef, signal?: CancelSignal): Promise<BackendResponse> {
    return this.call('GET', metadataPath(model), EMPTY, signal);
  }

  async health(): Promise<BackendHealth> {
    try {
      const server = await this.server();
      if (this.settings.model === undefined) {
        const names = server.modelNames();
        return names.length > 0
          ? { state: 'up', detail: `models: ${names.join(', ')}` }
          : { state: 'down', detail: 'no models in the repository' };
      }
      return server.isAvailable(this.settings.model)
        ? { state: 'up', detail: `model ${this.settings.model} loaded` }
        : { state: 'down', detail: `model ${this.settings.model} has no loaded version` };
    } catch (error) {
      return {
        state: 'down',
        detail: `embedded model server unavailable: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  async close(): Promise<void> {
    // The ModelServer belongs to the factory, which closes it once for all backends.
    this.closed = true;
  }

  private async call(
    method: string,
    path: string,
    body: Uint8Array,
    signal: CancelSignal | undefined,
  ): Promise<BackendResponse> {
    if (this.closed) throw new BackendError(BackendErrorCode.UNREACHABLE, 'the ONNX backend is closed');
    if (signal?.aborted)
      throw new BackendError(BackendErrorCode.ABORTED, 'the call was aborted', { cause: signal.reason });
    const server = await this.server().catch((error: unknown) => {
      if (error instanceof BackendError) throw error;
      throw new BackendError(
        BackendErrorCode.UNREACHABLE,
        `embedded model server failed to open: ${String(error)}`,
        { cause: error },
      );
    });
    const answer = await withDeadline(
      server.handle({ method, path, body }),
      this.settings.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal,
    );
    return {
      status: answer.status,
      body: answer.body,
      contentType: answer.headers['Content-Type'] ?? 'application/json',
    };
  }
}

/** ORT runs cannot be cancelled: a timeout or abort answers the caller and lets the run finish unobserved. */
function withDeadline(
  work: Promise<ModelServerResponse>,
  timeoutMs: number,
  signal: CancelSignal | undefined,
): Promise<ModelServerResponse> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        finish(
          new BackendError(
            BackendErrorCode.TIMEOUT,
            `the ONNX model server did not answer within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    const onAbort = () =>
      finish(new BackendError(BackendErrorCode.ABORTED, 'the call was aborted', { cause: signal?.reason }));
    signal?.addEventListener('abort', onAbort, { once: true });
    function finish(error: BackendError | null, value?: ModelServerResponse): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(value!);
    }
    work.then(
      (value) => finish(null, value),
      (error: unknown) =>
        finish(
          new BackendError(BackendErrorCode.BAD_RESPONSE, `embedded model server failed: ${String(error)}`, {
            cause: error,
          }),
        ),
    );
  });
}
