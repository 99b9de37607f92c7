import { Controller, DefaultValuePipe, Get, Param, ParseIntPipe, Query, UseGuards } from '@nestjs/common';
import { AllowedProjectRoles, ProjectRoleGuard } from '@infergate/auth';
import { ServingRepository, type ServingStats } from '@infergate/store';
import { StatsError, StatsErrorCode } from '../errors/stats.error';
import { ServingStatsService, type TailedLog } from './serving-stats.service';

/** Hopsworks' REST base, as the gateway serves it. */
const API_BASE = 'hopsworks-api/api';

@Controller(`${API_BASE}/project/:projectId/serving/:servingId`)
@UseGuards(ProjectRoleGuard)
@AllowedProjectRoles('Data owner', 'Data scientist')
export class ServingStatsController {
  constructor(
    private readonly stats: ServingStatsService,
    private readonly servings: ServingRepository,
  ) {}

  @Get('stats')
  async get(
    @Param('projectId', ParseIntPipe) projectId: number,
    @Param('servingId', ParseIntPipe) servingId: number,
  ): Promise<ServingStats> {
    const serving = await this.servingOf(projectId, servingId);
    return this.stats.stats(serving.id, serving.name);
  }

  @Get('logs')
  async logs(
    @Param('projectId', ParseIntPipe) projectId: number,
    @Param('servingId', ParseIntPipe) servingId: number,
    @Query('tail', new DefaultValuePipe(10), ParseIntPipe) tail: number,
  ): Promise<{ count: number; items: TailedLog[] }> {
    if (tail < 1) throw new StatsError(StatsErrorCode.INVALID_TAIL, `tail must be ≥ 1: ${tail}`);
    await this.servingOf(projectId, servingId);
    const items = this.stats.tail(servingId, tail);
    return { count: items.length, items };
  }

  private async servingOf(projectId: number, servingId: number) {
    const serving = await this.servings.findById(servingId);
    if (!serving || serving.project_id !== projectId) {
      throw new StatsError(StatsErrorCode.SERVING_NOT_FOUND, `servingId: ${servingId}`);
    }
    return serving;
  }
}
