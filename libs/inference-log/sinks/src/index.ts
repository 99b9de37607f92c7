// First: puts kafkajs replacements into Node's module cache before anything here loads kafkajs.
export * from './kafkajs-tuning';
export * from './inference-log.sink';
export * from './log-pipeline';
export * from './kafka.sink';
export * from './threaded-kafka.sink';
export * from './avro-file.sink';
export * from './inference-log.writer';
export * from './value-run';
export * from './spooled-log-pipeline';
export { ServingSpool, type SpoolBatch, type SpoolFsync } from './serving-spool';
export { scanSegment, type SpoolRecord, type SegmentScan } from './spool-record';
