import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuthGuard, AuthModule } from '@infergate/auth';
import { ServingStatsRepository, StoreModule } from '@infergate/store';
import { CONSUMER_CONFIG, type ConsumerConfig } from './config/consumer-config';
import { ConsumerExceptionFilter } from './errors/consumer-exception.filter';
import { InferenceLogConsumer } from './stats/inference-log.consumer';
import { ServingStatsController } from './stats/serving-stats.controller';
import { ServingStatsService } from './stats/serving-stats.service';

/**
 * The log consumer: a hybrid app whose Kafka side (InferenceLogConsumer) counts every inference-log
 * record per serving, and whose HTTP side serves the counts and the latest records with the gateway's
 * auth (same store, same JWT secret) and error body.
 */
@Module({})
export class ConsumerAppModule {
  static forRoot(config: ConsumerConfig): DynamicModule {
    return {
      module: ConsumerAppModule,
      imports: [
        StoreModule.forRootAsync({ useFactory: () => config.store }),
        AuthModule.forRootAsync({
          useFactory: () => ({
            jwtSecret: config.auth.jwtSecret,
            jwtExpirySeconds: config.auth.jwtExpirySeconds,
            jwtIssuer: 'infergate',
            allowedFalseLogins: 5,
          }),
        }),
      ],
      controllers: [InferenceLogConsumer, ServingStatsController],
      providers: [
        { provide: CONSUMER_CONFIG, useValue: config },
        ServingStatsRepository,
        ServingStatsService,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ConsumerExceptionFilter },
      ],
    };
  }
}
