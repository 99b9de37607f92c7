/** User administration failures, named after Hopsworks' UserErrorCode (range 160000). */
export enum UserErrorCode {
  USER_WAS_NOT_FOUND = 'USER_WAS_NOT_FOUND',
  USER_EXISTS = 'USER_EXISTS',
}

export class UserError extends Error {
  constructor(
    readonly code: UserErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
