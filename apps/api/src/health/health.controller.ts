import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from '@infergate/auth';
import type { InferenceLogSink } from '@infergate/inference-log-sinks';
import { BackendResolver } from '@infergate/serving-registry';
import { DATABASE, type Db } from '@infergate/store';
import { sql } from 'kysely';
import type { FastifyReply } from 'fastify';
import { LOG_SINK } from '../inference-log/inference-log.tokens';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly backends: BackendResolver,
    @Inject(DATABASE) private readonly db: Db,
    @Inject(LOG_SINK) private readonly sink: InferenceLogSink,
  ) {}

  /** The process answers: nothing else is checked, so a Kafka outage never restarts the gateway. */
  @Public()
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready when the store answers, the log sink is up, and every backend in use has an instance up. */
  @Public()
  @Get('ready')
  async ready(@Res({ passthrough: true }) response: FastifyReply): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () =>
          this.indicators
            .check('store')
            .attempt(async () => {
              await sql`select 1`.execute(this.db);
              return {};
            })
            .withTimeout(2000),
        async () => {
          const status = await this.sink.health();
          const session = this.indicators.check(`inferenceLog:${this.sink.name}`);
          return status.state === 'up'
            ? session.up({ detail: status.detail })
            : session.down({ detail: status.detail });
        },
        async () => {
          const session = this.indicators.check('backends');
          const states = Object.fromEntries(
            [...(await this.backends.health())].map(([id, h]) => [`serving${id}`, h]),
          );
          const down = Object.values(states).some((h) => h.state === 'down');
          return down ? session.down(states) : session.up(states);
        },
      ]);
    } catch (error) {
      // terminus signals "down" with a 503 exception that carries the result; answer it as such.
      const result = (error as { getResponse?: () => HealthCheckResult }).getResponse?.();
      if (!result) throw error;
      response.status(503);
      return result;
    }
  }
}
