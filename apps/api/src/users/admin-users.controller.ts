import { Body, Controller, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AllowedUserRoles } from '@infergate/auth';
import type { FastifyReply } from 'fastify';
import { API_BASE } from '../http/api-base';
import { CreateUserDto } from './create-user.dto';
import { UserStatusDto } from './user-status.dto';
import type { UserView } from './user.view';
import { UsersService } from './users.service';

/** Hopsworks' admin user resource: HOPS_ADMIN only (403/200014 for anyone else), JWT only. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller(`${API_BASE}/admin/users`)
@AllowedUserRoles('HOPS_ADMIN')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @HttpCode(201)
  async create(
    @Body() dto: CreateUserDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<UserView> {
    const user = await this.users.create(dto, dto.role ?? 'HOPS_USER');
    response.header('Location', `/${API_BASE}/admin/users/${user.id}`);
    return user;
  }

  @Get()
  async list(): Promise<{ items: UserView[]; count: number }> {
    const items = await this.users.list();
    return { items, count: items.length };
  }

  /** Block or unblock; unblocking resets the failed-login count, so the user gets 5 tries again. */
  @Put(':userId')
  update(@Param('userId') userId: string, @Body() dto: UserStatusDto): Promise<UserView> {
    return this.users.setStatus(userId, dto.status);
  }
}
