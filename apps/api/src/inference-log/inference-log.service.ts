import { isUtf8 } from 'node:buffer';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { InferenceLogWriter, LogPipelineStats } from '@infergate/inference-log-sinks';
import type { ServingRow } from '@infergate/store';
import { LOG_PIPELINE } from './inference-log.tokens';

/**
 * Builds the inferencelog record for each backend answer and hands it to the pipeline without waiting:
 * the caller's response never waits on Kafka or the disk.
 */
@Injectable()
export class InferenceLogService implements OnApplicationShutdown {
  private readonly logger = new Logger('InferenceLog');

  constructor(@Inject(LOG_PIPELINE) private readonly pipeline: InferenceLogWriter) {}

  record(serving: ServingRow, version: number, request: Buffer, status: number, response: Uint8Array): void {
    // Hopsworks' "NONE" topic: the serving does not log. Its modes PREDICTIONS/MODEL_INPUTS blank one side.
    if (serving.kafka_topic === null) return;
    const mode = serving.inference_logging;
    this.pipeline.enqueue({
      destination: { servingId: serving.id, servingName: serving.name, topic: serving.kafka_topic },
      record: {
        modelId: serving.id,
        modelName: serving.name,
        modelVersion: version,
        requestTimestamp: Date.now(),
        responseHttpCode: status,
        inferenceRequest: mode === 'PREDICTIONS' ? '' : utf8Text(request),
        inferenceResponse: mode === 'MODEL_INPUTS' ? '' : utf8Text(response),
      },
    });
  }

  stats(): LogPipelineStats {
    return this.pipeline.snapshot();
  }

  drained(): Promise<void> {
    return this.pipeline.drained();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pipeline.close();
    this.logger.log(`inference log pipeline closed: ${JSON.stringify(this.pipeline.snapshot())}`);
  }
}

/**
 * A body as the record's text: its bytes as they are when they are valid UTF-8 (the schema lib writes them
 * unchanged, sparing a decode and an encode), else decoded with U+FFFD for each invalid sequence (as
 * `toString('utf8')` does; the record then holds the replacement characters' bytes).
 */
function utf8Text(body: Uint8Array): string | Uint8Array {
  return isUtf8(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}
