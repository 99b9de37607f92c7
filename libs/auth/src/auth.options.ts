export interface AuthOptions {
  /** HS256 secret; when absent one is generated and kept in the store's settings (shared by replicas). */
  readonly jwtSecret?: string;
  readonly jwtExpirySeconds: number;
  readonly jwtIssuer: string;
  /** Consecutive failed logins allowed before the account is blocked (Hopsworks: 5). */
  readonly allowedFalseLogins: number;
}

export const AUTH_OPTIONS = Symbol('infergate.auth.options');
