export * from './kafka.testing';
export * from './ports.testing';
