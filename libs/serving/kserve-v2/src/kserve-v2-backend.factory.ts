import {
  type BackendConfig,
  BackendError,
  BackendErrorCode,
  type BackendFactory,
  type ServingBackend,
} from '@infergate/serving-contract';

/**
 * Placeholder so a serving of kind KSERVE_V2 fails with a clear, mapped error instead of a missing case.
 * The real adapter would translate TF Serving's JSON (instances/inputs) to the Open Inference Protocol
 * (`POST /v2/models/{name}[/versions/{v}]/infer` with typed, shaped tensors) and back; see README.md.
 */
export class KserveV2BackendFactory implements BackendFactory {
  readonly kind = 'KSERVE_V2' as const;

  create(_config: BackendConfig): ServingBackend {
    throw new BackendError(
      BackendErrorCode.KIND_NOT_AVAILABLE,
      'backend kind KSERVE_V2 is not available yet',
    );
  }
}
