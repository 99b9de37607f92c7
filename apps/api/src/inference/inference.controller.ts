import { Controller, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AcceptApiKey, AllowedProjectRoles, ProjectRoleGuard } from '@infergate/auth';
import type { Request, Response } from 'express';
import { API_BASE } from '../http/api-base';
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

  @Post('models/*path')
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
    @Param('path') path: string[] | string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const target = parseInferencePath(Array.isArray(path) ? path.join('/') : path);
    // Abort the backend call when the client goes away before we answered. writableEnded (not
    // writableFinished, which stays false while the socket still buffers output) marks "we answered".
    const aborted = new AbortController();
    response.once('close', () => {
      if (!response.writableEnded) aborted.abort();
    });
    const answer = await this.inference.infer(
      Number(projectId),
      target,
      request.body as Buffer,
      aborted.signal,
    );
    response.status(200).type(answer.contentType).end(answer.body);
  }
}
