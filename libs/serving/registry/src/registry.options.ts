/** Settings for every adapter, validated by the app at boot; only the selected kinds' parts are used. */
export interface ServingRegistryOptions {
  readonly tensorflowServing: {
    readonly defaultTimeoutMs: number;
    readonly connectionsPerOrigin?: number;
  };
  readonly onnx: {
    readonly repositoryDir: string;
    readonly intraOpNumThreads?: number;
    readonly pollIntervalMs?: number;
  };
  readonly logger?: { log(message: string): void; warn(message: string): void };
}

export const SERVING_REGISTRY_OPTIONS = Symbol('infergate.serving-registry.options');
