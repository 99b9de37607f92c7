export * from './registry.options';
export * from './backend-factory.selector';
export * from './backend.resolver';
export * from './serving-registry.module';
