/** The serving-management domain's failures, named after Hopsworks' ServingErrorCode (range 240000). */
export enum ServingErrorCode {
  INSTANCE_NOT_FOUND = 'INSTANCE_NOT_FOUND',
  /** START/STOP from a state that does not allow it ("Instance is already started", ...). */
  LIFECYCLE_ERROR = 'LIFECYCLE_ERROR',
  /** START failed in the backend (e.g. the embedded backend could not load the model version). */
  LIFECYCLE_ERROR_INT = 'LIFECYCLE_ERROR_INT',
  MODEL_PATH_NOT_FOUND = 'MODEL_PATH_NOT_FOUND',
  DUPLICATED_ENTRY = 'DUPLICATED_ENTRY',
  UPDATE_MODEL_SERVER_ERROR = 'UPDATE_MODEL_SERVER_ERROR',
  /** servingTool KSERVE: there is no Kubernetes here. */
  KUBERNETES_NOT_INSTALLED = 'KUBERNETES_NOT_INSTALLED',
  MODEL_FILES_STRUCTURE_NOT_VALID = 'MODEL_FILES_STRUCTURE_NOT_VALID',
  KAFKA_TOPIC_NOT_FOUND = 'KAFKA_TOPIC_NOT_FOUND',
  REQUEST_BATCHING_NOT_SUPPORTED = 'REQUEST_BATCHING_NOT_SUPPORTED',
}

export class ServingError extends Error {
  constructor(
    readonly code: ServingErrorCode,
    /** Shown to the caller as usrMsg. */
    message: string,
  ) {
    super(message);
    this.name = 'ServingError';
  }
}
