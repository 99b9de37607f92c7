import { Module, type DynamicModule } from '@nestjs/common';
import { BackendResolver } from './backend.resolver';
import { SERVING_REGISTRY_OPTIONS, type ServingRegistryOptions } from './registry.options';

@Module({})
export class ServingRegistryModule {
  static forRootAsync(options: {
    useFactory: (...args: never[]) => ServingRegistryOptions | Promise<ServingRegistryOptions>;
    inject?: never[];
  }): DynamicModule {
    return {
      module: ServingRegistryModule,
      global: true,
      providers: [
        { provide: SERVING_REGISTRY_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        BackendResolver,
      ],
      exports: [BackendResolver],
    };
  }
}
