import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AcceptApiKey, AllowedProjectRoles, ProjectRoleGuard } from '@infergate/auth';
import {
  INFERENCE_SCHEMA_SUBJECT,
  WRITTEN_SCHEMA_VERSION,
  inferenceSchemaText,
} from '@infergate/inference-log-schema';
import { ServingRepository } from '@infergate/store';
import { API_BASE } from '../http/api-base';
import { KafkaError, KafkaErrorCode } from './kafka.error';

/** Hopsworks' SubjectDTO as `GET .../kafka/topics/{topic}/subjects` returns it. */
export interface SubjectView {
  readonly subject: string;
  readonly version: number;
  readonly schema: string;
}

@ApiTags('kafka')
@ApiBearerAuth()
@Controller(`${API_BASE}/project/:projectId/kafka`)
@UseGuards(ProjectRoleGuard)
@AllowedProjectRoles('Data owner', 'Data scientist')
@AcceptApiKey('KAFKA')
export class KafkaController {
  constructor(private readonly servings: ServingRepository) {}

  /**
   * The schema consumers decode the topic with (hops-util-py's kafka.get_schema). Every serving topic
   * carries the `inferenceschema` subject at the version this gateway writes.
   */
  @Get('topics/:topic/subjects')
  async subjects(@Param('projectId') projectId: string, @Param('topic') topic: string): Promise<SubjectView> {
    if (!(await this.servings.topicInUse(topic, Number(projectId)))) {
      throw new KafkaError(KafkaErrorCode.TOPIC_NOT_FOUND, `topic: ${topic}`);
    }
    return {
      subject: INFERENCE_SCHEMA_SUBJECT,
      version: WRITTEN_SCHEMA_VERSION,
      schema: inferenceSchemaText(WRITTEN_SCHEMA_VERSION),
    };
  }
}
