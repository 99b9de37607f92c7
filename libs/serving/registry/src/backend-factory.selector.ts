import { type BackendFactory, type BackendKind } from '@infergate/serving-contract';
import { KserveV2BackendFactory } from '@infergate/serving-kserve-v2';
import { OnnxBackendFactory } from '@infergate/serving-onnx';
import { TensorflowServingBackendFactory } from '@infergate/serving-tensorflow-serving';
import { TorchServeBackendFactory } from '@infergate/serving-torchserve';
import type { ServingRegistryOptions } from './registry.options';

/**
 * The one place that maps a backend kind to its adapter. Adding a backend = one case here (the
 * `backend-adapter` generator prints the line); the `never` check makes a forgotten kind a compile error.
 */
export function createBackendFactory(kind: BackendKind, options: ServingRegistryOptions): BackendFactory {
  switch (kind) {
    case 'TENSORFLOW_SERVING':
      return new TensorflowServingBackendFactory({
        defaultTimeoutMs: options.tensorflowServing.defaultTimeoutMs,
        connectionsPerOrigin: options.tensorflowServing.connectionsPerOrigin,
        logger: options.logger,
      });
    case 'ONNX':
      return new OnnxBackendFactory({
        repositoryDir: options.onnx.repositoryDir,
        intraOpNumThreads: options.onnx.intraOpNumThreads,
        pollIntervalMs: options.onnx.pollIntervalMs,
        logger: options.logger,
      });
    case 'KSERVE_V2':
      return new KserveV2BackendFactory();
    case 'TORCHSERVE':
      return new TorchServeBackendFactory();
    default: {
      const unknown: never = kind;
      throw new Error(
        `no adapter for backend kind ${String(unknown)}: check the serving's modelServer value`,
      );
    }
  }
}
