import type { UserRole } from '@infergate/store';

/** Who is calling, as established by the auth guard and attached to the request. */
export interface Principal {
  readonly userId: number;
  readonly email: string;
  readonly roles: readonly UserRole[];
  /** Set when the caller authenticated with an API key: the key's scopes. */
  readonly apiKeyScopes?: readonly string[];
}

/** Property of the underlying HTTP request object that carries the principal. */
export const PRINCIPAL_KEY = 'principal';

export function principalOf(request: object): Principal | undefined {
  return (request as Record<string, unknown>)[PRINCIPAL_KEY] as Principal | undefined;
}
