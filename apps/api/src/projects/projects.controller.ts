import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AllowedProjectRoles, ProjectRoleGuard, principalOf } from '@infergate/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_BASE } from '../http/api-base';
import { CreateProjectDto } from './create-project.dto';
import type { ProjectView } from './project.view';
import { ProjectsService } from './projects.service';

@ApiTags('projects')
@ApiBearerAuth()
@Controller(`${API_BASE}/project`)
@UseGuards(ProjectRoleGuard)
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  /** Any signed-in user may create a project and becomes its Data owner. */
  @Post()
  @HttpCode(201)
  async create(
    @Body() dto: CreateProjectDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<ProjectView> {
    const project = await this.projects.create(principalOf(request)!.userId, dto);
    response.header('Location', `/${API_BASE}/project/${project.id}`);
    return project;
  }

  /** The caller's projects. */
  @Get()
  list(@Req() request: FastifyRequest): Promise<ProjectView[]> {
    return this.projects.listFor(principalOf(request)!.userId);
  }

  @Get(':projectId')
  @AllowedProjectRoles('Data owner', 'Data scientist')
  get(@Param('projectId') projectId: string): Promise<ProjectView> {
    return this.projects.get(Number(projectId));
  }
}
