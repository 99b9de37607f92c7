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
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface Database {
  users: UsersTable;
  projects: ProjectsTable;
  project_members: ProjectMembersTable;
  servings: ServingsTable;
  settings: SettingsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type ProjectRow = Selectable<ProjectsTable>;
export type ServingRow = Selectable<ServingsTable>;
export type NewServingRow = Insertable<ServingsTable>;
export type ServingUpdate = Updateable<ServingsTable>;
