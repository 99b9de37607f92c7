import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthService, Public } from '@infergate/auth';
import type { FastifyReply } from 'fastify';
import { API_BASE } from '../http/api-base';
import { LoginDto } from './login.dto';

/** Hopsworks' login answer body; the token itself travels in the Authorization response header. */
export interface LoginResponse {
  readonly sessionID: string;
  readonly data: string;
}

@ApiTags('auth')
@Controller(`${API_BASE}/auth`)
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(
    @Body() dto: LoginDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<LoginResponse> {
    const { token, principal } = await this.auth.login(dto.email, dto.password);
    response.header('Authorization', `Bearer ${token}`);
    return { sessionID: randomUUID(), data: principal.email };
  }
}
