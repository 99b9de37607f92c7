import { ConfigError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.http).toMatchObject({ port: 8080, host: '127.0.0.1' });
    expect(config.kafka).toBeNull();
    expect(config.backends.timeoutMs).toBe(30000);
    expect(config.inferenceLog.fsync).toBe(false);
  });

  it('parses Kafka brokers and numbers', () => {
    const config = loadConfig({
      KAFKA_BROKERS: '127.0.0.1:9092,127.0.0.1:9094',
      PORT: '9000',
      LOG_FSYNC: 'true',
    });
    expect(config.kafka?.brokers).toEqual(['127.0.0.1:9092', '127.0.0.1:9094']);
    expect(config.http.port).toBe(9000);
    expect(config.inferenceLog.fsync).toBe(true);
  });

  it('names every bad variable in one error', () => {
    expect(() => loadConfig({ PORT: 'eighty', KAFKA_BROKERS: 'nohost', JWT_SECRET: 'short' })).toThrow(
      ConfigError,
    );
    try {
      loadConfig({ PORT: 'eighty', KAFKA_BROKERS: 'nohost', JWT_SECRET: 'short' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT=/);
      expect((error as Error).message).toMatch(/KAFKA_BROKERS=/);
      expect((error as Error).message).toMatch(/JWT_SECRET=/);
    }
  });
});
