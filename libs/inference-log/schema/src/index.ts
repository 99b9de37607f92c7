export * from './inference-log.record';
export * from './inference-log.schema';
