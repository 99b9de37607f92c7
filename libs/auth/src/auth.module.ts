import { randomBytes } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { SettingsRepository } from '@infergate/store';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import { ApiKeyService } from './api-key.service';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { PasswordHasher } from './password.hasher';
import { ProjectRoleGuard } from './project-role.guard';
import { RouteAccess } from './route-access';
import { JWT_SECRET, JWT_SETTINGS, TokenService } from './token.service';

const JWT_SECRET_SETTING = 'auth.jwt-secret';

/** Needs the StoreModule (global) for users, projects and settings. */
@Module({})
export class AuthModule {
  static forRootAsync(options: {
    useFactory: (...args: never[]) => AuthOptions;
    inject?: never[];
  }): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AUTH_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        {
          provide: JWT_SECRET,
          // A configured secret wins; otherwise the first replica to start generates one and every
          // replica sharing the database uses it, so tokens work across replicas and restarts.
          useFactory: (auth: AuthOptions, settings: SettingsRepository) =>
            auth.jwtSecret ?? settings.getOrInit(JWT_SECRET_SETTING, randomBytes(48).toString('base64url')),
          inject: [AUTH_OPTIONS, SettingsRepository],
        },
        {
          provide: JWT_SETTINGS,
          useFactory: (auth: AuthOptions) => ({
            expirySeconds: auth.jwtExpirySeconds,
            issuer: auth.jwtIssuer,
          }),
          inject: [AUTH_OPTIONS],
        },
        PasswordHasher,
        TokenService,
        AuthService,
        ApiKeyService,
        RouteAccess,
        AuthGuard,
        ProjectRoleGuard,
      ],
      exports: [
        PasswordHasher,
        TokenService,
        AuthService,
        ApiKeyService,
        RouteAccess,
        AuthGuard,
        ProjectRoleGuard,
      ],
    };
  }
}
