import path from 'node:path';
import { ConfigError, loadModelServerConfig } from './model-server.config';

describe('loadModelServerConfig', () => {
  it('defaults to TF Serving port 8501 on 127.0.0.1 and the workspace models/ directory', () => {
    const config = loadModelServerConfig([], {}, __dirname);
    expect(config).toEqual({
      host: '127.0.0.1',
      restPort: 8501,
      modelRepository: path.resolve(__dirname, '../../../../models'),
      intraOpThreads: undefined,
      pollIntervalMs: 1000,
      maxBodyBytes: 64 * 1024 * 1024,
      inferenceThread: 'auto',
      inlineMaxRunUs: undefined,
      requestTimeoutMs: 30_000,
      nativeJson: true,
      memoryTrimIntervalMs: 1000,
    });
  });

  it('reads how often memory may be trimmed', () => {
    expect(loadModelServerConfig(['--memory-trim-interval-ms=0'], {})).toMatchObject({
      memoryTrimIntervalMs: 0,
    });
    expect(loadModelServerConfig([], { MODEL_SERVER_MEMORY_TRIM_INTERVAL_MS: '250' })).toMatchObject({
      memoryTrimIntervalMs: 250,
    });
    expect(() => loadModelServerConfig(['--memory-trim-interval-ms=-1'], {})).toThrow(
      '--memory-trim-interval-ms / MODEL_SERVER_MEMORY_TRIM_INTERVAL_MS must be an integer >= 0, got "-1"',
    );
  });

  it('reads whether the native JSON addon is used', () => {
    expect(loadModelServerConfig(['--native-json=off'], {})).toMatchObject({ nativeJson: false });
    expect(loadModelServerConfig([], { MODEL_SERVER_NATIVE_JSON: 'on' })).toMatchObject({ nativeJson: true });
    expect(() => loadModelServerConfig(['--native-json=yes'], {})).toThrow(
      '--native-json / MODEL_SERVER_NATIVE_JSON must be "on" or "off", got "yes"',
    );
  });

  it('reads where ORT runs and the inline threshold', () => {
    expect(loadModelServerConfig(['--inference-thread=worker', '--inline-max-run-us=250'], {})).toMatchObject(
      { inferenceThread: 'worker', inlineMaxRunUs: 250 },
    );
    expect(
      loadModelServerConfig([], {
        MODEL_SERVER_INFERENCE_THREAD: 'main',
        MODEL_SERVER_INLINE_MAX_RUN_US: '2000',
      }),
    ).toMatchObject({ inferenceThread: 'main', inlineMaxRunUs: 2000 });
    expect(() => loadModelServerConfig(['--inference-thread=gpu'], {})).toThrow(
      '--inference-thread / MODEL_SERVER_INFERENCE_THREAD must be "main", "worker" or "auto", got "gpu"',
    );
    expect(() => loadModelServerConfig([], { MODEL_SERVER_INLINE_MAX_RUN_US: '0' })).toThrow(
      '--inline-max-run-us / MODEL_SERVER_INLINE_MAX_RUN_US must be an integer >= 1, got "0"',
    );
  });

  it('reads flags (both forms) before environment variables', () => {
    const config = loadModelServerConfig(
      [
        '--rest-port=9000',
        '--model-repository',
        '/srv/models',
        '--intra-op-threads=2',
        '--poll-interval-ms=0',
      ],
      { MODEL_SERVER_PORT: '1', MODEL_SERVER_HOST: '0.0.0.0', MODEL_SERVER_MAX_BODY_BYTES: '10' },
    );
    expect(config).toMatchObject({
      restPort: 9000,
      modelRepository: '/srv/models',
      intraOpThreads: 2,
      pollIntervalMs: 0,
      host: '0.0.0.0',
      maxBodyBytes: 10,
    });
    expect(loadModelServerConfig([], { MODEL_SERVER_PORT: '8600', MODEL_REPOSITORY: '/m' })).toMatchObject({
      restPort: 8600,
      modelRepository: '/m',
    });
  });

  it('names the setting to fix', () => {
    expect(() => loadModelServerConfig(['--rest-port=abc'], {})).toThrow(ConfigError);
    expect(() => loadModelServerConfig(['--rest-port=abc'], {})).toThrow(
      '--rest-port / MODEL_SERVER_PORT must be an integer >= 0, got "abc"',
    );
    expect(() => loadModelServerConfig(['--nope=1'], {})).toThrow('unknown option --nope');
    expect(() => loadModelServerConfig([], { MODEL_SERVER_INTRA_OP_THREADS: '0' })).toThrow(
      'MODEL_SERVER_INTRA_OP_THREADS',
    );
  });
});
