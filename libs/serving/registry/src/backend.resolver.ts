import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  BackendError,
  BackendErrorCode,
  isBackendKind,
  type BackendConfig,
  type BackendFactory,
  type BackendHealth,
  type BackendKind,
  type ServingBackend,
} from '@infergate/serving-contract';
import { createBackendFactory } from './backend-factory.selector';
import { SERVING_REGISTRY_OPTIONS, type ServingRegistryOptions } from './registry.options';

/** What the resolver needs to know about a serving: its identity and its stored backend settings. */
export interface ServingBackendSpec {
  readonly servingId: number;
  readonly kind: string;
  readonly endpoints: readonly string[];
  readonly requestTimeoutMs?: number;
  readonly options?: Readonly<Record<string, unknown>>;
}

interface Entry {
  readonly fingerprint: string;
  readonly backend: ServingBackend;
}

/**
 * Hands out one backend per serving, built by its kind's factory and reused by every request until the
 * serving's backend settings change (then the old backend is closed). Factories are created lazily, so a
 * gateway with no ONNX serving never loads ONNX Runtime.
 */
@Injectable()
export class BackendResolver implements OnApplicationShutdown {
  private readonly factories = new Map<BackendKind, BackendFactory>();
  private readonly backends = new Map<number, Entry>();
  /** Specs are treated as immutable: a caller that hands the same spec object again gets its fingerprint back. */
  private readonly fingerprints = new WeakMap<ServingBackendSpec, string>();

  constructor(@Inject(SERVING_REGISTRY_OPTIONS) private readonly options: ServingRegistryOptions) {}

  /** Throws BackendError(BAD_CONFIG | KIND_NOT_AVAILABLE) when the serving cannot have a backend. */
  backendFor(spec: ServingBackendSpec): ServingBackend {
    let fingerprint = this.fingerprints.get(spec);
    if (fingerprint === undefined) {
      fingerprint = JSON.stringify([
        spec.kind,
        spec.endpoints,
        spec.requestTimeoutMs ?? null,
        spec.options ?? null,
      ]);
      this.fingerprints.set(spec, fingerprint);
    }
    const cached = this.backends.get(spec.servingId);
    if (cached?.fingerprint === fingerprint) return cached.backend;
    if (!isBackendKind(spec.kind)) {
      throw new BackendError(BackendErrorCode.BAD_CONFIG, `unknown backend kind ${spec.kind}`);
    }
    const config: BackendConfig = {
      kind: spec.kind,
      endpoints: spec.endpoints,
      requestTimeoutMs: spec.requestTimeoutMs,
      options: spec.options,
    };
    const backend = this.factoryFor(spec.kind).create(config);
    this.backends.set(spec.servingId, { fingerprint, backend });
    if (cached) void cached.backend.close();
    return backend;
  }

  /** Forgets a serving's backend (serving stopped or deleted). */
  async release(servingId: number): Promise<void> {
    const entry = this.backends.get(servingId);
    this.backends.delete(servingId);
    await entry?.backend.close();
  }

  async health(): Promise<Map<number, BackendHealth>> {
    const result = new Map<number, BackendHealth>();
    await Promise.all(
      [...this.backends].map(async ([servingId, { backend }]) => {
        result.set(servingId, await backend.health());
      }),
    );
    return result;
  }

  async onApplicationShutdown(): Promise<void> {
    const backends = [...this.backends.values()];
    this.backends.clear();
    await Promise.allSettled(backends.map((e) => e.backend.close()));
    const factories = [...this.factories.values()];
    this.factories.clear();
    await Promise.allSettled(factories.map((f) => f.close?.()));
  }

  private factoryFor(kind: BackendKind): BackendFactory {
    let factory = this.factories.get(kind);
    if (!factory) {
      factory = createBackendFactory(kind, this.options);
      this.factories.set(kind, factory);
    }
    return factory;
  }
}
