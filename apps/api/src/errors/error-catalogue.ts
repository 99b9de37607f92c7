import { AuthErrorCode, AUTH_ERROR_RESPONSES } from '@infergate/auth';
import { ApiKeyErrorCode } from '../api-keys/api-key.error';
import { InferenceErrorCode } from '../inference/inference.error';
import { RequestErrorCode } from '../http/request.error';
import { KafkaErrorCode } from '../kafka/kafka.error';
import { ProjectErrorCode } from '../projects/project.error';
import { ServingErrorCode } from '../servings/serving.error';
import { UserErrorCode } from '../users/user.error';

/** One row of the wire contract: HTTP status, Hopsworks errorCode and its fixed errorMsg. */
export interface CatalogueEntry {
  readonly status: number;
  readonly errorCode: number;
  readonly errorMsg: string;
}

/**
 * Hopsworks' RESTCodes for the codes this gateway can produce. `satisfies Record<Enum, …>` makes a new
 * domain code without a row a compile error, so no error can fall through to a generic 500.
 */
export const INFERENCE_ERRORS = {
  [InferenceErrorCode.SERVING_NOT_FOUND]: {
    status: 404,
    errorCode: 250000,
    errorMsg: 'Serving instance not found',
  },
  [InferenceErrorCode.SERVING_NOT_RUNNING]: {
    status: 400,
    errorCode: 250001,
    errorMsg: 'Serving instance not running',
  },
  [InferenceErrorCode.REQUEST_ERROR]: {
    status: 500,
    errorCode: 250002,
    errorMsg: 'Error contacting the serving server',
  },
  [InferenceErrorCode.EMPTY_RESPONSE]: {
    status: 500,
    errorCode: 250003,
    errorMsg: 'Empty response from the serving server',
  },
  [InferenceErrorCode.BAD_REQUEST]: { status: 400, errorCode: 250004, errorMsg: 'Request malformed' },
  [InferenceErrorCode.MISSING_VERB]: { status: 400, errorCode: 250005, errorMsg: 'Verb is missing' },
  [InferenceErrorCode.ERROR_READING_RESPONSE]: {
    status: 500,
    errorCode: 250006,
    errorMsg: 'Error while reading the response',
  },
  [InferenceErrorCode.SERVING_INSTANCE_INTERNAL]: {
    status: 500,
    errorCode: 250007,
    errorMsg: 'Serving instance internal error',
  },
  [InferenceErrorCode.SERVING_INSTANCE_BAD_REQUEST]: {
    status: 400,
    errorCode: 250008,
    errorMsg: 'Serving instance bad request error',
  },
  [InferenceErrorCode.UNAUTHORIZED]: { status: 401, errorCode: 250010, errorMsg: 'Unauthorized request' },
  [InferenceErrorCode.FORBIDDEN]: { status: 403, errorCode: 250011, errorMsg: 'Forbidden request' },
  [InferenceErrorCode.ENDPOINT_NOT_FOUND]: {
    status: 500,
    errorCode: 250012,
    errorMsg: 'Inference endpoint not found',
  },
} satisfies Record<InferenceErrorCode, CatalogueEntry>;

/** Auth rows are owned by the auth lib, shared with the log consumer. */
export const AUTH_ERRORS = AUTH_ERROR_RESPONSES satisfies Record<AuthErrorCode, CatalogueEntry>;

/** Hopsworks' ServingErrorCode rows (range 240000). */
export const SERVING_ERRORS = {
  [ServingErrorCode.INSTANCE_NOT_FOUND]: {
    status: 404,
    errorCode: 240000,
    errorMsg: 'Serving instance not found',
  },
  [ServingErrorCode.LIFECYCLE_ERROR]: {
    status: 400,
    errorCode: 240003,
    errorMsg: 'Serving instance could not be started/stopped',
  },
  [ServingErrorCode.LIFECYCLE_ERROR_INT]: {
    status: 500,
    errorCode: 240004,
    errorMsg: 'Serving instance could not be started/stopped',
  },
  [ServingErrorCode.MODEL_PATH_NOT_FOUND]: {
    status: 400,
    errorCode: 240006,
    errorMsg: 'Model path not found',
  },
  [ServingErrorCode.DUPLICATED_ENTRY]: {
    status: 400,
    errorCode: 240011,
    errorMsg: 'An entry with the same name already exists in this project',
  },
  [ServingErrorCode.UPDATE_MODEL_SERVER_ERROR]: {
    status: 400,
    errorCode: 240013,
    errorMsg: 'The model server of a deployment cannot be updated.',
  },
  [ServingErrorCode.KUBERNETES_NOT_INSTALLED]: {
    status: 400,
    errorCode: 240014,
    errorMsg: 'Kubernetes is not installed',
  },
  [ServingErrorCode.MODEL_FILES_STRUCTURE_NOT_VALID]: {
    status: 400,
    errorCode: 240017,
    errorMsg: 'Model path does not have a valid file structure',
  },
  [ServingErrorCode.KAFKA_TOPIC_NOT_FOUND]: {
    status: 400,
    errorCode: 240022,
    errorMsg: 'Kafka topic not found',
  },
  [ServingErrorCode.REQUEST_BATCHING_NOT_SUPPORTED]: {
    status: 400,
    errorCode: 240025,
    errorMsg: 'Request batching not supported',
  },
} satisfies Record<ServingErrorCode, CatalogueEntry>;

/** Hopsworks' KafkaErrorCode rows (range 190000). */
export const KAFKA_ERRORS = {
  [KafkaErrorCode.TOPIC_NOT_FOUND]: { status: 404, errorCode: 190000, errorMsg: 'No topics found' },
  [KafkaErrorCode.TOPIC_REPLICATION_ERROR]: {
    status: 400,
    errorCode: 190005,
    errorMsg: 'Maximum topic replication factor exceeded',
  },
  [KafkaErrorCode.KAFKA_GENERIC_ERROR]: {
    status: 500,
    errorCode: 190007,
    errorMsg: 'An error occurred while retrieving information about Kafka',
  },
  [KafkaErrorCode.BAD_NUM_PARTITION]: {
    status: 400,
    errorCode: 190015,
    errorMsg: 'Invalid number of partitions',
  },
} satisfies Record<KafkaErrorCode, CatalogueEntry>;

/** Hopsworks' UserErrorCode rows (range 160000) for user administration. */
export const USER_ERRORS = {
  [UserErrorCode.USER_WAS_NOT_FOUND]: { status: 404, errorCode: 160002, errorMsg: 'User not found' },
  [UserErrorCode.USER_EXISTS]: {
    status: 409,
    errorCode: 160003,
    errorMsg: 'There is an existing account associated with this email',
  },
} satisfies Record<UserErrorCode, CatalogueEntry>;

/** Hopsworks' ProjectErrorCode rows (range 150000); an unknown member email is UserErrorCode 160002. */
export const PROJECT_ERRORS = {
  [ProjectErrorCode.PROJECT_EXISTS]: {
    status: 409,
    errorCode: 150001,
    errorMsg: 'Project with the same name already exists.',
  },
  [ProjectErrorCode.INVALID_PROJECT_NAME]: {
    status: 400,
    errorCode: 150003,
    errorMsg: 'Invalid project name, valid characters: [a-zA-Z0-9]((?!__)[_a-zA-Z0-9]){0,62}',
  },
  [ProjectErrorCode.TEAM_MEMBER_NOT_FOUND]: {
    status: 404,
    errorCode: 150023,
    errorMsg: 'The selected user is not a team member in this project.',
  },
  [ProjectErrorCode.MEMBER_USER_NOT_FOUND]: { status: 404, errorCode: 160002, errorMsg: 'User not found' },
  [ProjectErrorCode.PROJECT_OWNER_NOT_ALLOWED]: {
    status: 403,
    errorCode: 150013,
    errorMsg: 'Removing the project owner is not allowed.',
  },
  [ProjectErrorCode.PROJECT_OWNER_ROLE_NOT_ALLOWED]: {
    status: 403,
    errorCode: 150014,
    errorMsg: 'Changing the role of the project owner is not allowed.',
  },
} satisfies Record<ProjectErrorCode, CatalogueEntry>;

/** Hopsworks' ApiKeyErrorCode rows (range 320000) for key management; the auth ones are above. */
export const API_KEY_ERRORS = {
  [ApiKeyErrorCode.KEY_SCOPE_NOT_SPECIFIED]: {
    status: 400,
    errorCode: 320005,
    errorMsg: 'Api key scope can not be empty',
  },
  [ApiKeyErrorCode.KEY_NAME_EXIST]: {
    status: 400,
    errorCode: 320007,
    errorMsg: 'Api key name already exists',
  },
  [ApiKeyErrorCode.KEY_NAME_NOT_SPECIFIED]: {
    status: 400,
    errorCode: 320008,
    errorMsg: 'Api key name not specified',
  },
  [ApiKeyErrorCode.KEY_NAME_NOT_VALID]: {
    status: 400,
    errorCode: 320009,
    errorMsg: 'Api key name not valid',
  },
} satisfies Record<ApiKeyErrorCode, CatalogueEntry>;

/** Hopsworks' GenericErrorCode rows for request-level failures. */
export const REQUEST_ERRORS = {
  [RequestErrorCode.MALFORMED_BODY]: {
    status: 400,
    errorCode: 120001,
    errorMsg: 'Request body is malformed',
  },
  [RequestErrorCode.PAYLOAD_TOO_LARGE]: {
    status: 413,
    errorCode: 120004,
    errorMsg: 'Request body too large',
  },
  [RequestErrorCode.VALIDATION_FAILED]: { status: 422, errorCode: 120001, errorMsg: 'Illegal argument' },
  [RequestErrorCode.ROUTE_NOT_FOUND]: { status: 404, errorCode: 120004, errorMsg: 'Not found' },
} satisfies Record<RequestErrorCode, CatalogueEntry>;

export const UNKNOWN_ERROR: CatalogueEntry = {
  status: 500,
  errorCode: 120000,
  errorMsg: 'A generic error occurred.',
};
