import { Module } from '@nestjs/common';
import { ProjectMembersController } from './project-members.controller';
import { ProjectsController } from './projects.controller';
import { ProjectsService } from './projects.service';

@Module({
  controllers: [ProjectsController, ProjectMembersController],
  providers: [ProjectsService],
})
export class ProjectsModule {}
