/** Project and membership failures, named after Hopsworks' ProjectErrorCode (range 150000). */
export enum ProjectErrorCode {
  PROJECT_EXISTS = 'PROJECT_EXISTS',
  INVALID_PROJECT_NAME = 'INVALID_PROJECT_NAME',
  TEAM_MEMBER_NOT_FOUND = 'TEAM_MEMBER_NOT_FOUND',
  /** The email given for a new member names no user. */
  MEMBER_USER_NOT_FOUND = 'MEMBER_USER_NOT_FOUND',
  PROJECT_OWNER_NOT_ALLOWED = 'PROJECT_OWNER_NOT_ALLOWED',
  PROJECT_OWNER_ROLE_NOT_ALLOWED = 'PROJECT_OWNER_ROLE_NOT_ALLOWED',
}

export class ProjectError extends Error {
  constructor(
    readonly code: ProjectErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProjectError';
  }
}
