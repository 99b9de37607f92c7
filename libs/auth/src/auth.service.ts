import { Inject, Injectable } from '@nestjs/common';
import { UserRepository } from '@infergate/store';
import { AuthError, AuthErrorCode } from './auth.error';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import { PasswordHasher } from './password.hasher';
import type { Principal } from './principal';
import { TokenService } from './token.service';

export interface LoginResult {
  readonly token: string;
  readonly principal: Principal;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  /** Hopsworks' login: unknown email and wrong password both answer "bad credentials". */
  async login(email: string, password: string): Promise<LoginResult> {
    const user = await this.users.findByEmail(email);
    if (!user)
      throw new AuthError(AuthErrorCode.BAD_CREDENTIALS, 'Unrecognized email address or wrong password');
    if (user.status === 'BLOCKED')
      throw new AuthError(AuthErrorCode.ACCOUNT_BLOCKED, 'This account has been blocked');
    if (!(await this.hasher.verify(user.password_hash, password))) {
      const updated = await this.users.recordFailedLogin(user.id, this.options.allowedFalseLogins);
      if (updated.status === 'BLOCKED') {
        throw new AuthError(
          AuthErrorCode.ACCOUNT_BLOCKED,
          'This account has been blocked after too many failed logins',
        );
      }
      throw new AuthError(AuthErrorCode.BAD_CREDENTIALS, 'Unrecognized email address or wrong password');
    }
    await this.users.resetFailedLogins(user.id);
    const principal: Principal = { userId: user.id, email: user.email, roles: [user.role] };
    return { token: this.tokens.issue(principal), principal };
  }
}
