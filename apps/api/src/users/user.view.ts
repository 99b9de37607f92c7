import type { UserRole, UserRow, UserStatus } from '@infergate/store';

/** A user as the admin API shows it (never the password hash). */
export interface UserView {
  readonly id: number;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly role: UserRole;
  readonly status: UserStatus;
  /** Consecutive failed logins; the 6th blocks the account. */
  readonly falseLogin: number;
  readonly created: string;
}

export function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    role: row.role,
    status: row.status,
    falseLogin: row.false_login,
    created: new Date(row.created_at).toISOString(),
  };
}
