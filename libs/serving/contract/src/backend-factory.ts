import type { BackendKind } from './backend-kind';
import type { ServingBackend } from './serving-backend';

/** A serving's backend settings as stored with the serving; each adapter validates its own part. */
export interface BackendConfig {
  readonly kind: BackendKind;
  /** Base URLs of the backend's instances (remote kinds); empty for embedded kinds. */
  readonly endpoints: readonly string[];
  /** Per-request timeout in ms; adapters fall back to their default when absent. */
  readonly requestTimeoutMs?: number;
  /** Kind-specific extras (e.g. a model path for embedded runtimes). */
  readonly options?: Readonly<Record<string, unknown>>;
}

/**
 * Creates backends of one kind. Adapter libs export one factory each; the registry lib is the only
 * place that maps a kind to its factory.
 */
export interface BackendFactory {
  readonly kind: BackendKind;
  /** Throws BackendError(BAD_CONFIG | KIND_NOT_AVAILABLE) when it cannot build a backend for `config`. */
  create(config: BackendConfig): ServingBackend;
  /** Releases what the factory shares between its backends (pools, runtimes). Idempotent. */
  close?(): Promise<void>;
}
