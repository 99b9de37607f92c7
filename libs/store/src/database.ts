import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Hopsworks user roles (the JWT `roles` claim). */
export type UserRole = 'HOPS_ADMIN' | 'HOPS_USER';
export type UserStatus = 'ACTIVATED' | 'BLOCKED';
/** Hopsworks project roles, spelled as its API spells them. */
export type ProjectRole = 'Data owner' | 'Data scientist';
export const PROJECT_ROLES: readonly ProjectRole[] = ['Data owner', 'Data scientist'];

export type ServingStatus =
  'Created' | 'Starting' | 'Running' | 'Updating' | 'Stopping' | 'Stopped' | 'Failed';
export type InferenceLoggingMode = 'ALL' | 'PREDICTIONS' | 'MODEL_INPUTS';

export interface UsersTable {
  id: Generated<number>;
  email: string;
  first_name: string;
  last_name: string;
  password_hash: string;
  role: UserRole;
  status: UserStatus;
  false_login: number;
  created_at: number;
}

export interface ProjectsTable {
  id: Generated<number>;
  name: string;
  description: string;
  owner_id: number;
  created_at: number;
}

export interface ProjectMembersTable {
  project_id: number;
  user_id: number;
  role: ProjectRole;
  added_at: number;
}

export interface ServingsTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  description: string;
  model_name: string;
  model_version: number;
  model_path: string | null;
  backend_kind: string;
  /** JSON array of base URLs; empty for embedded backends. */
  backend_endpoints: string;
  request_timeout_ms: number | null;
  kafka_topic: string | null;
  inference_logging: InferenceLoggingMode;
  status: ServingStatus;
  creator_id: number;
  created_at: number;
  /** Hopsworks' servingTool: DEFAULT (this gateway) or KSERVE (refused). */
  serving_tool: Generated<string>;
  requested_instances: Generated<number>;
  /** JSON `{batchingEnabled, maxBatchSize?, maxLatency?, timeout?}`, null = no batching. */
  batching_configuration: string | null;
  /** When the serving was last started; null until then. */
  deployed_at: number | null;
  revision: string | null;
  kafka_num_partitions: number | null;
  kafka_num_replicas: number | null;
}

/** Hopsworks API keys: `<prefix>.<secret>`, stored as sha256(secret + salt) in hex. */
export interface ApiKeysTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  prefix: string;
  secret_hash: string;
  salt: string;
  /** Comma-separated scopes, e.g. `SERVING,KAFKA`. */
  scopes: string;
  created_at: number;
  modified_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** A bigint column: a number on SQLite, a string on PostgreSQL. */
type BigintColumn = import('kysely').ColumnType<number | string, number, number>;

/** Per-serving inference-log statistics (migration 002, written by apps/log-consumer). */
export interface ServingStatsTable {
  serving_id: number;
  model_name: string;
  requests: BigintColumn;
  status_1xx: BigintColumn;
  status_2xx: BigintColumn;
  status_3xx: BigintColumn;
  status_4xx: BigintColumn;
  status_5xx: BigintColumn;
  request_bytes: BigintColumn;
  response_bytes: BigintColumn;
  first_seen: BigintColumn;
  last_seen: BigintColumn;
}

export interface Database {
  users: UsersTable;
  projects: ProjectsTable;
  project_members: ProjectMembersTable;
  servings: ServingsTable;
  settings: SettingsTable;
  api_keys: ApiKeysTable;
  serving_stats: ServingStatsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type ProjectRow = Selectable<ProjectsTable>;
export type ServingRow = Selectable<ServingsTable>;
export type NewServingRow = Insertable<ServingsTable>;
export type ServingUpdate = Updateable<ServingsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type NewApiKeyRow = Insertable<ApiKeysTable>;
export type ServingStatsRow = Selectable<ServingStatsTable>;
