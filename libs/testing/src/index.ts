export * from './kafka.testing';
export * from './ports.testing';
export * from './model-server.testing';
