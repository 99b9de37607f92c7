import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';

/**
 * Every environment variable the gateway reads, with its default. Validated once at boot (see
 * load-config.ts); nothing else in the app reads process.env.
 */
export class Environment {
  @Type(() => Number) @IsInt() @Min(0) @Max(65535) PORT = 8080;
  @IsString() HOST = '127.0.0.1';
  @IsString() DATA_DIR = './data';

  /** Comma-separated `host:port` list; unset = no Kafka, records go to Avro files under DATA_DIR. */
  @IsOptional()
  @Matches(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port...]' })
  KAFKA_BROKERS?: string = undefined;
  @IsString() KAFKA_CLIENT_ID = 'infergate';

  @IsEmail() ADMIN_EMAIL = 'admin@example.com';
  @IsOptional() @IsString() @MinLength(8) ADMIN_PASSWORD?: string = undefined;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string = undefined;
  @Type(() => Number) @IsInt() @Min(60) JWT_EXPIRY_SECONDS = 3600;

  /** TF-Serving-layout model repository served by the embedded ONNX backend. */
  @IsString() MODEL_REPOSITORY = './models';
  @Type(() => Number) @IsInt() @Min(1) @Max(64) ONNX_INTRA_OP_THREADS = 1;
  @Type(() => Number) @IsInt() @Min(100) MODEL_POLL_INTERVAL_MS = 2000;

  /** Per backend request; TF Serving's own REST timeout is 30 s. */
  @Type(() => Number) @IsInt() @Min(1) BACKEND_TIMEOUT_MS = 30000;
  @Type(() => Number) @IsInt() @Min(1024) MAX_REQUEST_BYTES = 32 * 1024 * 1024;

  @Type(() => Number) @IsInt() @Min(1) LOG_QUEUE_CAPACITY = 100_000;
  @Type(() => Number) @IsInt() @Min(1) @Max(10_000) LOG_BATCH_SIZE = 500;
  @Type(() => Number) @IsInt() @Min(0) LOG_LINGER_MS = 5;
  @Type(() => Boolean) @IsBoolean() LOG_FSYNC = false;

  @IsIn(['log', 'warn', 'error']) LOG_LEVEL: 'log' | 'warn' | 'error' = 'log';
}
