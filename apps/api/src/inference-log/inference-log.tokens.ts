export const LOG_PIPELINE = Symbol('infergate.inference-log.pipeline');
export const LOG_SINK = Symbol('infergate.inference-log.sink');
/** The sink records are delivered to (Kafka or the Avro files); LOG_SINK is what readiness looks at. */
export const DELIVERY_SINK = Symbol('infergate.inference-log.delivery-sink');
