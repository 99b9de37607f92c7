import { Injectable } from '@nestjs/common';
import {
  ProjectRepository,
  UserRepository,
  isUniqueViolation,
  type ProjectRole,
  type ProjectRow,
} from '@infergate/store';
import type { CreateProjectDto } from './create-project.dto';
import { ProjectError, ProjectErrorCode } from './project.error';
import type { ProjectMemberView, ProjectView } from './project.view';

/** Hopsworks' project name rule (ProjectErrorCode.INVALID_PROJECT_NAME). */
const PROJECT_NAME = /^[a-zA-Z0-9]((?!__)[_a-zA-Z0-9]){0,62}$/;

@Injectable()
export class ProjectsService {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly users: UserRepository,
  ) {}

  async create(ownerId: number, dto: CreateProjectDto): Promise<ProjectView> {
    if (!PROJECT_NAME.test(dto.projectName)) {
      throw new ProjectError(ProjectErrorCode.INVALID_PROJECT_NAME, `projectName: ${dto.projectName}`);
    }
    if (await this.projects.findByName(dto.projectName)) throw exists(dto.projectName);
    try {
      return await this.view(await this.projects.create(dto.projectName, dto.description ?? '', ownerId));
    } catch (error) {
      if (isUniqueViolation(error)) throw exists(dto.projectName);
      throw error;
    }
  }

  async listFor(userId: number): Promise<ProjectView[]> {
    return Promise.all((await this.projects.listForUser(userId)).map((p) => this.view(p)));
  }

  async get(projectId: number): Promise<ProjectView> {
    // ProjectRoleGuard has already answered 404 for an unknown project.
    return this.view((await this.projects.findById(projectId))!);
  }

  async members(projectId: number): Promise<ProjectMemberView[]> {
    return (await this.projects.members(projectId)).map((m) => ({
      email: m.user.email,
      firstName: m.user.first_name,
      lastName: m.user.last_name,
      role: m.role,
      added: new Date(m.addedAt).toISOString(),
    }));
  }

  /** Adds the user with `role`, or changes a member's role; the owner stays Data owner (150014). */
  async setMember(projectId: number, email: string, role: ProjectRole): Promise<ProjectMemberView> {
    const user = await this.users.findByEmail(email);
    if (!user) throw new ProjectError(ProjectErrorCode.MEMBER_USER_NOT_FOUND, `email: ${email}`);
    const project = (await this.projects.findById(projectId))!;
    if (project.owner_id === user.id && role !== 'Data owner') {
      throw new ProjectError(
        ProjectErrorCode.PROJECT_OWNER_ROLE_NOT_ALLOWED,
        `${email} owns ${project.name}`,
      );
    }
    await this.projects.setMember(projectId, user.id, role);
    return (await this.members(projectId)).find((m) => m.email === email)!;
  }

  async removeMember(projectId: number, email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    const project = (await this.projects.findById(projectId))!;
    if (user && project.owner_id === user.id) {
      throw new ProjectError(ProjectErrorCode.PROJECT_OWNER_NOT_ALLOWED, `${email} owns ${project.name}`);
    }
    if (!user || !(await this.projects.removeMember(projectId, user.id))) {
      throw new ProjectError(ProjectErrorCode.TEAM_MEMBER_NOT_FOUND, `email: ${email}`);
    }
  }

  private async view(project: ProjectRow): Promise<ProjectView> {
    const owner = await this.users.findById(project.owner_id);
    return {
      id: project.id,
      name: project.name,
      description: project.description,
      owner: owner?.email ?? '',
      created: new Date(project.created_at).toISOString(),
    };
  }
}

function exists(name: string): ProjectError {
  return new ProjectError(ProjectErrorCode.PROJECT_EXISTS, `projectName: ${name}`);
}
