import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@infergate/auth';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { API_BASE } from '../http/api-base';
import { RequestError, RequestErrorCode } from '../http/request.error';
import { CreateUserDto } from './create-user.dto';
import type { UserView } from './user.view';
import { UsersService } from './users.service';

@ApiTags('auth')
@Controller(`${API_BASE}/auth`)
export class RegisterController {
  constructor(
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Self-registration (SELF_REGISTRATION=true); off by default, when the route answers 404 as unknown. */
  @Public()
  @Post('register')
  @HttpCode(201)
  register(@Body() dto: CreateUserDto): Promise<UserView> {
    if (!this.config.auth.selfRegistration) {
      throw new RequestError(RequestErrorCode.ROUTE_NOT_FOUND, 'Self-registration is disabled');
    }
    return this.users.create(dto, 'HOPS_USER');
  }
}
