import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AcceptApiKey, AllowedProjectRoles, ProjectRoleGuard, principalOf } from '@infergate/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_BASE } from '../http/api-base';
import { ServingDto } from './serving.dto';
import { ServingQueryDto } from './serving-query.dto';
import type { ServingView } from './serving.view';
import { ServingsService } from './servings.service';

/**
 * Hopsworks' ServingService (`/project/{projectId}/serving`): Data owners and Data scientists read, only
 * Data owners change; JWTs or API keys with scope SERVING.
 */
@ApiTags('servings')
@ApiBearerAuth()
@Controller(`${API_BASE}/project/:projectId/serving`)
@UseGuards(ProjectRoleGuard)
@AcceptApiKey('SERVING')
export class ServingsController {
  constructor(private readonly servings: ServingsService) {}

  @Get()
  @AllowedProjectRoles('Data owner', 'Data scientist')
  @ApiOperation({ summary: 'List servings; `name=` answers one serving (404/240000 if none)' })
  list(
    @Param('projectId') projectId: string,
    @Query() query: ServingQueryDto,
  ): Promise<ServingView[] | ServingView> {
    return this.servings.list(Number(projectId), query);
  }

  @Get(':servingId')
  @AllowedProjectRoles('Data owner', 'Data scientist')
  get(@Param('projectId') projectId: string, @Param('servingId') servingId: string): Promise<ServingView> {
    return this.servings.get(Number(projectId), servingId);
  }

  /** Hopsworks answers 201 with a Location header for both create and update. */
  @Put()
  @AllowedProjectRoles('Data owner')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create (no id) or update a serving' })
  async put(
    @Param('projectId') projectId: string,
    @Body() dto: ServingDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<ServingView> {
    const { view } = await this.servings.save(Number(projectId), principalOf(request)!.userId, dto);
    response.header('Location', `/${API_BASE}/project/${projectId}/serving/${view.id}`);
    return view;
  }

  @Post(':servingId')
  @AllowedProjectRoles('Data owner')
  @HttpCode(200)
  @ApiQuery({ name: 'action', enum: ['start', 'stop'] })
  async act(
    @Param('projectId') projectId: string,
    @Param('servingId') servingId: string,
    @Query('action') action: string | undefined,
  ): Promise<void> {
    await this.servings.act(Number(projectId), servingId, action);
  }

  @Delete(':servingId')
  @AllowedProjectRoles('Data owner')
  @HttpCode(200)
  async delete(@Param('projectId') projectId: string, @Param('servingId') servingId: string): Promise<void> {
    await this.servings.delete(Number(projectId), servingId);
  }
}
