import { ConfigError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.http).toMatchObject({ port: 8080, host: '127.0.0.1' });
    expect(config.kafka).toBeNull();
    expect(config.backends.timeoutMs).toBe(30000);
    expect(config.inferenceLog.fsync).toBe(false);
  });

  it("reads inference requests with the gateway's own reader unless HTTP_LANE_PARSER=node", () => {
    expect(loadConfig({}).http.laneParser).toBe('own');
    expect(loadConfig({ HTTP_LANE_PARSER: 'node' }).http.laneParser).toBe('node');
    expect(() => loadConfig({ HTTP_LANE_PARSER: 'fast' })).toThrow(/HTTP_LANE_PARSER="fast"/);
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

  it('runs the Kafka producer on the main thread unless KAFKA_PRODUCER_THREAD=thread', () => {
    const brokers = { KAFKA_BROKERS: '127.0.0.1:9092' };
    expect(loadConfig(brokers).kafka?.producer).toBe('main');
    expect(loadConfig({ ...brokers, KAFKA_PRODUCER_THREAD: 'thread' }).kafka?.producer).toBe('thread');
    expect(() => loadConfig({ ...brokers, KAFKA_PRODUCER_THREAD: 'worker' })).toThrow(
      /KAFKA_PRODUCER_THREAD="worker"/,
    );
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

  it('selects PostgreSQL with DATABASE_URL and keeps self-registration off unless asked', () => {
    expect(loadConfig({}).postgresUrl).toBeNull();
    expect(loadConfig({}).auth.selfRegistration).toBe(false);
    const config = loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/db', SELF_REGISTRATION: 'true' });
    expect(config.postgresUrl).toBe('postgres://u@127.0.0.1:5432/db');
    expect(config.auth.selfRegistration).toBe(true);
    expect(loadConfig({ SELF_REGISTRATION: 'false' }).auth.selfRegistration).toBe(false);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL=/);
  });

  it('builds the spool settings under DATA_DIR and names a bad spool variable', () => {
    const config = loadConfig({ DATA_DIR: '/srv/gw', SPOOL_AT_CAP: 'drop-oldest', SPOOL_FSYNC: 'batch' });
    expect(config.inferenceLog.spool).toEqual({
      directory: '/srv/gw/inference-log-spool',
      flushMs: 10,
      fsync: 'batch',
      fsyncIntervalMs: 1000,
      maxBytes: 1024 * 1024 * 1024,
      atCap: 'drop-oldest',
      segmentBytes: 16 * 1024 * 1024,
      deliveryLingerMs: 100,
    });
    expect(() => loadConfig({ SPOOL_AT_CAP: 'block', SPOOL_FLUSH_MS: '-1' })).toThrow(
      /SPOOL_AT_CAP="block"[\s\S]*SPOOL_FLUSH_MS="-1"|SPOOL_FLUSH_MS="-1"[\s\S]*SPOOL_AT_CAP="block"/,
    );
    expect(() => loadConfig({ SPOOL_DELIVERY_LINGER_MS: '-1' })).toThrow(/SPOOL_DELIVERY_LINGER_MS="-1"/);
    expect(() => loadConfig({ SPOOL_DELIVERY_LINGER_MS: '5000' })).toThrow(/SPOOL_DELIVERY_LINGER_MS="5000"/);
  });
});
