export * from './database';
export * from './store';
export * from './store.tokens';
export * from './store.module';
export * from './user.repository';
export * from './project.repository';
export * from './serving.repository';
export * from './settings.repository';
