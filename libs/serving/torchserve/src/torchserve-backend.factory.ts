import {
  type BackendConfig,
  BackendError,
  BackendErrorCode,
  type BackendFactory,
  type ServingBackend,
} from '@infergate/serving-contract';

/**
 * Placeholder so a serving of kind TORCHSERVE fails with a clear, mapped error instead of a missing case.
 * The real adapter would forward to TorchServe's inference API (`POST /predictions/{model}[/{version}]`)
 * and map its management API (`GET /models/{model}`) to model status; see README.md.
 */
export class TorchServeBackendFactory implements BackendFactory {
  readonly kind = 'TORCHSERVE' as const;

  create(_config: BackendConfig): ServingBackend {
    throw new BackendError(
      BackendErrorCode.KIND_NOT_AVAILABLE,
      'backend kind TORCHSERVE is not available yet',
    );
  }
}
