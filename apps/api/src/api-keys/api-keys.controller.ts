import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { principalOf } from '@infergate/auth';
import type { FastifyRequest } from 'fastify';
import { API_BASE } from '../http/api-base';
import type { ApiKeyView } from './api-key.view';
import { ApiKeysService } from './api-keys.service';

/** Hopsworks' ApiKeyResource (`/users/apiKey`): the caller's own keys, managed with a JWT only. */
@ApiTags('api keys')
@ApiBearerAuth()
@Controller(`${API_BASE}/users/apiKey`)
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @ApiQuery({ name: 'name', required: true })
  @ApiQuery({ name: 'scope', required: true, isArray: true, example: ['SERVING'] })
  create(
    @Req() request: FastifyRequest,
    @Query('name') name: unknown,
    @Query('scope') scope: unknown,
  ): Promise<ApiKeyView> {
    return this.keys.create(principalOf(request)!.userId, name, scope);
  }

  @Get()
  async list(@Req() request: FastifyRequest): Promise<{ items: ApiKeyView[]; count: number }> {
    const items = await this.keys.list(principalOf(request)!.userId);
    return { items, count: items.length };
  }

  @Delete(':name')
  @HttpCode(200)
  async deleteOne(@Req() request: FastifyRequest, @Param('name') name: string): Promise<void> {
    await this.keys.delete(principalOf(request)!.userId, name);
  }

  /** Deletes all the caller's keys. */
  @Delete()
  @HttpCode(200)
  async deleteAll(@Req() request: FastifyRequest): Promise<void> {
    await this.keys.delete(principalOf(request)!.userId);
  }
}
