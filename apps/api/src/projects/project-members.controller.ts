import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AllowedProjectRoles, ProjectRoleGuard } from '@infergate/auth';
import { API_BASE } from '../http/api-base';
import { AddMemberDto } from './add-member.dto';
import type { ProjectMemberView } from './project.view';
import { ProjectsService } from './projects.service';

/** Hopsworks' ProjectMembersService: members may list, only Data owners change membership. */
@ApiTags('projects')
@ApiBearerAuth()
@Controller(`${API_BASE}/project/:projectId/projectMembers`)
@UseGuards(ProjectRoleGuard)
export class ProjectMembersController {
  constructor(private readonly projects: ProjectsService) {}

  @Get()
  @AllowedProjectRoles('Data owner', 'Data scientist')
  async list(@Param('projectId') projectId: string): Promise<{ items: ProjectMemberView[]; count: number }> {
    const items = await this.projects.members(Number(projectId));
    return { items, count: items.length };
  }

  /** Adds a member, or changes a member's role (takes effect on the member's next request). */
  @Post()
  @AllowedProjectRoles('Data owner')
  @HttpCode(200)
  add(@Param('projectId') projectId: string, @Body() dto: AddMemberDto): Promise<ProjectMemberView> {
    return this.projects.setMember(Number(projectId), dto.email, dto.role);
  }

  @Delete(':email')
  @AllowedProjectRoles('Data owner')
  @HttpCode(200)
  async remove(@Param('projectId') projectId: string, @Param('email') email: string): Promise<void> {
    await this.projects.removeMember(Number(projectId), email);
  }
}
