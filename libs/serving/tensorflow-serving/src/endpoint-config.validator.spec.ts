import { BackendError, BackendErrorCode, type BackendConfig } from '@infergate/serving-contract';
import { validateTensorflowServingConfig } from './endpoint-config.validator';

const DEFAULTS = { timeoutMs: 30_000, healthCheckIntervalMs: 5_000 };

function reject(config: Partial<BackendConfig>): BackendError {
  try {
    validateTensorflowServingConfig(
      { kind: 'TENSORFLOW_SERVING', endpoints: [], ...config } as BackendConfig,
      DEFAULTS,
    );
  } catch (error) {
    if (error instanceof BackendError) return error;
    throw error;
  }
  throw new Error('expected BAD_CONFIG');
}

describe('validateTensorflowServingConfig', () => {
  it('accepts http(s) base URLs and applies the defaults', () => {
    const settings = validateTensorflowServingConfig(
      { kind: 'TENSORFLOW_SERVING', endpoints: ['http://tf:8501', 'https://tf.example.com/serving/'] },
      DEFAULTS,
    );

    expect(settings.targets).toEqual([
      { endpoint: 'http://tf:8501', origin: 'http://tf:8501', basePath: '' },
      { endpoint: 'https://tf.example.com/serving', origin: 'https://tf.example.com', basePath: '/serving' },
    ]);
    expect(settings.timeoutMs).toBe(30_000);
    expect(settings.healthCheckIntervalMs).toBe(5_000);
    expect(settings.healthModel).toBeUndefined();
  });

  it.each([
    [{ endpoints: [] }, 'at least one endpoint'],
    [{ endpoints: ['tf:8501'] }, '"tf:8501"'],
    [{ endpoints: ['/v1/models'] }, '"/v1/models"'],
    [{ endpoints: ['ftp://tf:8501'] }, '"ftp://tf:8501"'],
    [{ endpoints: ['http://tf:8501?x=1'] }, '"http://tf:8501?x=1"'],
    [{ endpoints: ['http://u:p@tf:8501'] }, '"http://u:p@tf:8501"'],
    [{ endpoints: [''] }, '""'],
    [{ endpoints: ['http://tf:8501', 'http://tf:8501/'] }, 'http://tf:8501 is listed twice'],
    [{ endpoints: ['http://tf:8501'], requestTimeoutMs: 0 }, 'requestTimeoutMs 0'],
    [{ endpoints: ['http://tf:8501'], options: { model: 7 } }, 'options.model 7'],
    [
      { endpoints: ['http://tf:8501'], options: { healthCheckIntervalMs: '5s' } },
      'healthCheckIntervalMs "5s"',
    ],
    [{ kind: 'ONNX', endpoints: ['http://tf:8501'] }, '"ONNX"'],
  ] as [Partial<BackendConfig>, string][])('refuses %j with BAD_CONFIG naming the value', (config, named) => {
    const error = reject(config);

    expect(error.code).toBe(BackendErrorCode.BAD_CONFIG);
    expect(error.message).toContain(named);
  });
});
