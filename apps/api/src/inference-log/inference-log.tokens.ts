export const LOG_PIPELINE = Symbol('infergate.inference-log.pipeline');
export const LOG_SINK = Symbol('infergate.inference-log.sink');
