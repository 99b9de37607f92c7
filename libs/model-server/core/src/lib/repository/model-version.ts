import { ServingError } from '../errors/serving-error';
import { type HostTensor } from '../tensor/host-tensor';
import { type OutputTensor } from '../tensor/predict-response.writer';
import { ortTypeFromTf, tfDtypeFromOrt } from '../tensor/tf-dtype';
import { type ModelConfig } from './model-config';
import { type Signature } from './signature';
import { buildSignatures } from './signature.builder';
import {
  SessionLostError,
  type SessionHandle,
  type SessionLoader,
  type SessionOptions,
  type SessionTensor,
} from './session-loader';

/** TF Serving's ManagerState names as GetModelStatus reports them. */
export type VersionState = 'START' | 'LOADING' | 'AVAILABLE' | 'UNLOADING' | 'END';

/**
 * One version of a model: its ORT session (one per version, reused by every request) and the signatures
 * derived from config.json. Requests hold it with acquire()/release() so an unload waits for the requests
 * in flight before the session is released, as TF Serving drains a servable before unloading it.
 */
export class ModelVersion {
  state: VersionState = 'START';
  error: string | undefined;
  signatures = new Map<string, Signature>();
  /** The model file's identity at load time, to retry a failed load only when the file changes. */
  fileStamp = '';
  private session: SessionHandle | undefined;
  private inflight = 0;
  private drained: (() => void) | undefined;

  constructor(
    readonly version: number,
    readonly modelPath: string,
  ) {}

  async load(
    loader: SessionLoader,
    options: SessionOptions,
    config: ModelConfig | null,
    fileStamp: string,
  ): Promise<void> {
    this.state = 'LOADING';
    this.fileStamp = fileStamp;
    try {
      const session = await loader.load(this.modelPath, options);
      try {
        this.signatures = buildSignatures(config, session.inputMetadata, session.outputMetadata);
      } catch (error) {
        await session.release();
        throw error;
      }
      this.session = session;
      this.state = 'AVAILABLE';
      this.error = undefined;
    } catch (error) {
      this.state = 'END';
      this.error = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  /** Re-derives the signatures after config.json changed; keeps the old ones if the new config does not fit. */
  applyConfig(config: ModelConfig | null): void {
    if (!this.session) return;
    this.signatures = buildSignatures(config, this.session.inputMetadata, this.session.outputMetadata);
  }

  get available(): boolean {
    return this.state === 'AVAILABLE';
  }

  acquire(): void {
    this.inflight++;
  }

  release(): void {
    if (--this.inflight === 0 && this.drained) this.drained();
  }

  /** Stops new requests at once; releases the session after the requests in flight have finished. */
  async unload(): Promise<void> {
    if (this.state === 'UNLOADING' || this.state === 'END') return;
    this.state = 'UNLOADING';
    if (this.inflight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    const session = this.session;
    this.session = undefined;
    this.state = 'END';
    await session?.release();
  }

  /** Runs the signature: inputs keyed by alias in, outputs (sorted by alias) out. */
  async run(signature: Signature, inputs: ReadonlyMap<string, HostTensor>): Promise<OutputTensor[]> {
    const session = this.session;
    if (!session) throw new ServingError('UNAVAILABLE', `Servable version ${this.version} is not available`);
    const feeds: Record<string, SessionTensor> = {};
    for (const spec of signature.inputs) {
      const t = inputs.get(spec.alias)!;
      feeds[spec.onnxName] = { type: ortTypeFromTf(t.dtype)!, dims: t.shape, data: t.data };
    }
    const fetches = signature.outputs.map((o) => o.onnxName);
    let results: Record<string, SessionTensor>;
    try {
      results = await session.run(feeds, fetches);
    } catch (error) {
      if (error instanceof SessionLostError) {
        // Mark the version failed with a changed stamp so the next repository scan loads it again.
        this.state = 'END';
        this.error = error.message;
        this.fileStamp = '';
        this.session = undefined;
        throw new ServingError('UNAVAILABLE', error.message);
      }
      // ORT rejects bad shapes and types at run time; TF Serving reports its runtime's INVALID_ARGUMENT as 400.
      throw new ServingError('INVALID_ARGUMENT', error instanceof Error ? error.message : String(error));
    }
    return signature.outputs.map((o) => {
      const t = results[o.onnxName];
      return { alias: o.alias, dtype: tfDtypeFromOrt(t.type), dims: t.dims, data: t.data };
    });
  }
}
