export * from './inference-log.sink';
export * from './log-pipeline';
export * from './kafka.sink';
export * from './avro-file.sink';
