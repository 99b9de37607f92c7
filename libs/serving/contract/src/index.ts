export * from './backend-kind';
export * from './cancel-signal';
export * from './backend-error';
export * from './backend-factory';
export * from './serving-backend';
export * from './tf-serving-paths';
