/** The typed configuration every module receives (built from Environment in load-config.ts). */
export interface AppConfig {
  readonly http: {
    readonly port: number;
    readonly host: string;
    readonly maxRequestBytes: number;
    /** Who reads inference requests: the gateway's own HTTP/1.1 reader or Node's parser. */
    readonly laneParser: 'own' | 'node';
  };
  readonly dataDir: string;
  readonly sqlitePath: string;
  /** PostgreSQL instead of SQLite (`DATABASE_URL`); null = the SQLite file above. */
  readonly postgresUrl: string | null;
  /** Bound on how stale project/membership/serving lookups may be (other replicas' writes). */
  readonly lookupCacheMs: number;
  /** MemoryTrimmer's minimum interval (libs/process-memory); 0 = off. */
  readonly memoryTrimIntervalMs: number;
  /** null = embedded default: no Kafka, Avro files under dataDir. */
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    /** Where the producer runs: the gateway's main thread (default) or a worker thread of its own. */
    readonly producer: 'main' | 'thread';
  } | null;
  readonly admin: { readonly email: string; readonly password?: string };
  readonly auth: {
    readonly jwtSecret?: string;
    readonly jwtExpirySeconds: number;
    /** `POST /auth/register` (self-registration); off by default, admins create users. */
    readonly selfRegistration: boolean;
  };
  readonly backends: {
    readonly timeoutMs: number;
    readonly modelRepository: string;
    readonly onnxIntraOpThreads: number;
    readonly modelPollIntervalMs: number;
  };
  readonly inferenceLog: {
    readonly directory: string;
    readonly capacity: number;
    readonly batchSize: number;
    readonly lingerMs: number;
    readonly fsync: boolean;
    readonly batchBytes: number;
    /** The durable spool in front of Kafka (see SpooledLogPipeline); unused with the file sink. */
    readonly spool: {
      readonly directory: string;
      readonly flushMs: number;
      readonly fsync: 'batch' | 'interval' | 'never';
      readonly fsyncIntervalMs: number;
      readonly maxBytes: number;
      readonly atCap: 'refuse-new' | 'drop-oldest';
      readonly segmentBytes: number;
      readonly deliveryLingerMs: number;
    };
  };
  readonly logLevel: 'log' | 'warn' | 'error';
}

export const APP_CONFIG = Symbol('infergate.app-config');
