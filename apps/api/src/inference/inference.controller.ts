import { Controller, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AcceptApiKey, AllowedProjectRoles, ProjectRoleGuard } from '@infergate/auth';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RawBodyRouteConfig } from '../http/body-parsers';
import { API_BASE } from '../http/api-base';
import { cancelWhenClientLeaves } from './client-cancellation';
import { parseInferencePath } from './inference-path';
import { InferenceService } from './inference.service';

@ApiTags('inference')
@ApiBearerAuth()
@Controller(`${API_BASE}/project/:projectId/inference`)
@UseGuards(ProjectRoleGuard)
@AllowedProjectRoles('Data owner', 'Data scientist')
@AcceptApiKey('SERVING')
export class InferenceController {
  constructor(private readonly inference: InferenceService) {}

  // find-my-way's catch-all: everything after models/ (the name, version and `:verb`) in param '*'.
  // Most calls never get here: InferenceLane serves them ahead of Fastify with the same parts; this
  // route takes the rest (percent-escaped paths, other content types) and documents the route.
  @Post('models/*')
  @RouteConfig({ rawBody: true } satisfies RawBodyRouteConfig)
  @ApiOperation({
    summary: 'TF Serving predict/classify/regress through the gateway',
    description:
      'Path: models/{name}[/versions/{v}]:{predict|classify|regress}. The body is forwarded as is.',
  })
  @ApiBody({
    schema: { type: 'object', example: { signature_name: 'predict_images', instances: [[0.0, 0.5]] } },
  })
  async infer(
    @Param('projectId') projectId: string,
    @Param('*') path: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const target = parseInferencePath(path);
    const answer = await this.inference.infer(
      Number(projectId),
      target,
      request.body as Buffer,
      cancelWhenClientLeaves(reply.raw),
    );
    const body = answer.body;
    await reply
      .code(200)
      .header('content-type', answer.contentType)
      .send(Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  }
}
