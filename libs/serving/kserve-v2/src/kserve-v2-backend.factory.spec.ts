import { BackendError, BackendErrorCode } from '@infergate/serving-contract';
import { KserveV2BackendFactory } from './kserve-v2-backend.factory';

describe('KserveV2BackendFactory', () => {
  it('refuses to create a backend with KIND_NOT_AVAILABLE', () => {
    const factory = new KserveV2BackendFactory();

    const create = () => factory.create({ kind: 'KSERVE_V2', endpoints: ['http://kserve:8080'] });

    expect(factory.kind).toBe('KSERVE_V2');
    expect(create).toThrow(BackendError);
    expect(create).toThrow(
      expect.objectContaining({
        code: BackendErrorCode.KIND_NOT_AVAILABLE,
        message: 'backend kind KSERVE_V2 is not available yet',
      }),
    );
  });
});
