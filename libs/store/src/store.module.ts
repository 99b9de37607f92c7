import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { openStore, type Db, type StoreOptions } from './store';
import { DATABASE } from './store.tokens';
import { ApiKeyRepository } from './api-key.repository';
import { ProjectRepository } from './project.repository';
import { ServingRepository } from './serving.repository';
import { SettingsRepository } from './settings.repository';
import { UserRepository } from './user.repository';

const repositories = [
  UserRepository,
  ProjectRepository,
  ServingRepository,
  SettingsRepository,
  ApiKeyRepository,
];

@Module({})
export class StoreModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Db) {}

  static forRootAsync(options: {
    useFactory: (...args: never[]) => StoreOptions | Promise<StoreOptions>;
    inject?: never[];
  }): DynamicModule {
    return {
      module: StoreModule,
      global: true,
      providers: [
        {
          provide: DATABASE,
          useFactory: async (...args: never[]) => openStore(await options.useFactory(...args)),
          inject: options.inject ?? [],
        },
        ...repositories,
      ],
      exports: [DATABASE, ...repositories],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}
