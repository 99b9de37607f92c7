/**
 * One request/response pair, as Hopsworks' `inferencelog` record (schema v1, subject `inferenceschema`).
 * Field names, types and order are the wire contract that users' consumers decode with.
 */
export interface InferenceLogRecord {
  /** The serving's id. */
  modelId: number;
  /** The serving's name. */
  modelName: string;
  /** The version that answered: the URL's version, else the serving's configured one. */
  modelVersion: number;
  /** Epoch milliseconds (Avro long; exact up to 2^53). */
  requestTimestamp: number;
  /** The backend's HTTP status, 4xx/5xx included. */
  responseHttpCode: number;
  /** The caller's request body as sent (UTF-8). */
  inferenceRequest: string;
  /** The backend's response body as received (UTF-8). */
  inferenceResponse: string;
}

/**
 * A v1 record as written: an InferenceLogRecord whose two bodies may be given as their bytes, which must
 * be valid UTF-8. They are written as they are (the Avro string of the same text), which spares decoding
 * them into a string and encoding it back.
 */
export interface InferenceLogInput extends Omit<
  InferenceLogRecord,
  'inferenceRequest' | 'inferenceResponse'
> {
  inferenceRequest: string | Uint8Array;
  inferenceResponse: string | Uint8Array;
}

/** Schema v2 adds the model server's name (Hopsworks 0.10). */
export interface InferenceLogRecordV2 extends InferenceLogRecord {
  servingType: string;
}

/** Schema v3 adds model server and serving tool names (Hopsworks 2.2). */
export interface InferenceLogRecordV3 extends InferenceLogRecord {
  modelServer: string;
  servingTool: string;
}
