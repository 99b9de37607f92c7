import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AuthGuard, AuthModule } from '@infergate/auth';
import { ServingRegistryModule } from '@infergate/serving-registry';
import { StoreModule } from '@infergate/store';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthController } from './auth/auth.controller';
import { BootstrapModule } from './bootstrap/bootstrap.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ApiExceptionFilter } from './errors/api-exception.filter';
import { HealthController } from './health/health.controller';
import { createValidationPipe } from './http/validation.pipe';
import { InferenceModule } from './inference/inference.module';
import { InferenceLogModule } from './inference-log/inference-log.module';
import { KafkaModule } from './kafka/kafka.module';
import { MetricsModule } from './metrics/metrics.module';
import { ProjectsModule } from './projects/projects.module';
import { ServingsModule } from './servings/servings.module';
import { UsersModule } from './users/users.module';

/**
 * The gateway. Built from a validated AppConfig so tests construct exactly what production runs;
 * global guard, pipe and filter are APP_* providers for the same reason.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        StoreModule.forRootAsync({
          useFactory: () => ({
            ...(config.postgresUrl ? { postgresUrl: config.postgresUrl } : { sqlitePath: config.sqlitePath }),
            lookupCacheMs: config.lookupCacheMs,
            onConnectionError: (error: Error) =>
              new Logger('Store').warn(
                `PostgreSQL closed a pooled connection (${error.message}); reconnecting on demand`,
              ),
          }),
        }),
        AuthModule.forRootAsync({
          useFactory: () => ({
            jwtSecret: config.auth.jwtSecret,
            jwtExpirySeconds: config.auth.jwtExpirySeconds,
            jwtIssuer: 'infergate',
            allowedFalseLogins: 5,
          }),
        }),
        ServingRegistryModule.forRootAsync({
          useFactory: () => ({
            tensorflowServing: { defaultTimeoutMs: config.backends.timeoutMs },
            onnx: {
              repositoryDir: config.backends.modelRepository,
              intraOpNumThreads: config.backends.onnxIntraOpThreads,
              pollIntervalMs: config.backends.modelPollIntervalMs,
            },
            logger: new Logger('Backends'),
          }),
        }),
        TerminusModule.forRoot({ logger: false }),
        MetricsModule,
        InferenceLogModule,
        InferenceModule,
        KafkaModule,
        ServingsModule,
        ProjectsModule,
        UsersModule,
        ApiKeysModule,
        BootstrapModule,
      ],
      controllers: [AuthController, HealthController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
    };
  }
}
