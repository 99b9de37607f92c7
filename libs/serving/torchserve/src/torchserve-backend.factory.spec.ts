import { BackendError, BackendErrorCode } from '@infergate/serving-contract';
import { TorchServeBackendFactory } from './torchserve-backend.factory';

describe('TorchServeBackendFactory', () => {
  it('refuses to create a backend with KIND_NOT_AVAILABLE', () => {
    const factory = new TorchServeBackendFactory();

    const create = () => factory.create({ kind: 'TORCHSERVE', endpoints: ['http://torchserve:8080'] });

    expect(factory.kind).toBe('TORCHSERVE');
    expect(create).toThrow(BackendError);
    expect(create).toThrow(
      expect.objectContaining({
        code: BackendErrorCode.KIND_NOT_AVAILABLE,
        message: 'backend kind TORCHSERVE is not available yet',
      }),
    );
  });
});
