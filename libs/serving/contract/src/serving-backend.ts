import type { BackendKind } from './backend-kind';
import type { CancelSignal } from './cancel-signal';

/** The three TF-Serving REST verbs the inference route forwards (`:test` is not part of this gateway). */
export type InferenceVerb = 'predict' | 'classify' | 'regress';

export const INFERENCE_VERBS: readonly InferenceVerb[] = ['predict', 'classify', 'regress'];

/** Which version of a model a call addresses. Absent means "latest", as TF Serving resolves it. */
export interface ModelRef {
  /** The model's name on the backend (TF Serving's `/v1/models/{name}`). */
  readonly name: string;
  readonly version?: number;
  readonly label?: string;
}

/** One inference call as the gateway received it: the body is the caller's bytes, never re-serialised. */
export interface InferenceCall {
  readonly model: ModelRef;
  readonly verb: InferenceVerb;
  readonly body: Uint8Array;
  /** Aborts the call (an AbortSignal or the cheaper CallCancellation); adapters also apply their own deadline. */
  readonly signal?: CancelSignal;
}

/**
 * What the backend answered. Any HTTP status is a normal answer (4xx/5xx included): the gateway logs it
 * and maps it. Transport failures are thrown as BackendError instead.
 */
export interface BackendResponse {
  readonly status: number;
  readonly body: Uint8Array;
  readonly contentType: string;
}

export type BackendHealthState = 'up' | 'down';

export interface BackendHealth {
  readonly state: BackendHealthState;
  /** Human-readable detail for /health/ready, e.g. which endpoint failed and why. */
  readonly detail?: string;
  /** Per instance, for backends with several. */
  readonly instances?: readonly {
    readonly endpoint: string;
    readonly state: BackendHealthState;
    readonly detail?: string;
  }[];
}

/**
 * A serving backend: something that answers TF Serving's REST semantics for the models it serves.
 * Implementations are created by a BackendFactory from a serving's validated backend config and are
 * shared by all requests for that serving, so they must hold no per-request state.
 */
export interface ServingBackend {
  readonly kind: BackendKind;
  /** POST /v1/models/{name}[/versions/{v}|/labels/{l}]:{verb} */
  infer(call: InferenceCall): Promise<BackendResponse>;
  /** GET /v1/models/{name}[/versions/{v}|/labels/{l}] */
  modelStatus(model: ModelRef, signal?: CancelSignal): Promise<BackendResponse>;
  /** GET /v1/models/{name}[/versions/{v}|/labels/{l}]/metadata */
  modelMetadata(model: ModelRef, signal?: CancelSignal): Promise<BackendResponse>;
  /** A cheap liveness view for readiness probes; must not throw. */
  health(): Promise<BackendHealth>;
  /** Releases connections, sessions and timers. Idempotent. */
  close(): Promise<void>;
}
