import { randomInt } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { WRITTEN_SCHEMA_VERSION, INFERENCE_SCHEMA_SUBJECT } from '@infergate/inference-log-schema';
import { BackendError, type BackendHealth } from '@infergate/serving-contract';
import { BackendResolver } from '@infergate/serving-registry';
import {
  ServingRepository,
  UserRepository,
  isUniqueViolation,
  type ServingRow,
  type ServingStatus,
} from '@infergate/store';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RequestError, RequestErrorCode } from '../http/request.error';
import { KafkaError, KafkaErrorCode } from '../kafka/kafka.error';
import { KafkaAdminService } from '../kafka/kafka-admin.service';
import { servingBackendSpec } from './serving-backend-spec';
import type { ServingDto } from './serving.dto';
import { ServingError, ServingErrorCode } from './serving.error';
import { ServingInputValidator, type TopicRequest, type ValidatedServing } from './serving-input.validator';
import type { ServingQueryDto } from './serving-query.dto';
import type { ServingView } from './serving.view';

/** Hopsworks' localhost lifecycle: START only from Created/Stopped, STOP only from Running/Updating/Failed. */
const STARTABLE: readonly ServingStatus[] = ['Created', 'Stopped'];
const STOPPABLE: readonly ServingStatus[] = ['Running', 'Updating', 'Failed'];
const ALREADY: Partial<Record<ServingStatus, string>> = {
  Starting: 'Instance is already starting',
  Running: 'Instance is already started',
  Updating: 'Instance is updating',
  Stopping: 'Instance is already stopping',
  Stopped: 'Instance is already stopped',
  Created: 'Instance is not started',
  Failed: 'Instance has failed; stop it first',
};
/** How long START waits for the embedded backend to see a version that was just added to the repository. */
const ONNX_LOAD_WAIT_MS = 5_000;

export type ServingAction = 'START' | 'STOP';

export interface SaveResult {
  readonly view: ServingView;
  readonly created: boolean;
}

@Injectable()
export class ServingsService {
  private readonly logger = new Logger('Servings');

  constructor(
    private readonly servings: ServingRepository,
    private readonly users: UserRepository,
    private readonly backends: BackendResolver,
    private readonly kafka: KafkaAdminService,
    private readonly validator: ServingInputValidator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(projectId: number, query: ServingQueryDto): Promise<ServingView[] | ServingView> {
    if (query.modelVersion !== undefined && query.model === undefined) {
      throw new RequestError(
        RequestErrorCode.VALIDATION_FAILED,
        'modelVersion filter requires the model filter',
      );
    }
    let rows = await this.servings.listByProject(projectId);
    if (query.name !== undefined) {
      const row = rows.find((r) => r.name === query.name);
      if (!row) throw new ServingError(ServingErrorCode.INSTANCE_NOT_FOUND, `name: ${query.name}`);
      return this.view(row);
    }
    if (query.model !== undefined) rows = rows.filter((r) => r.model_name === query.model);
    if (query.modelVersion !== undefined) rows = rows.filter((r) => r.model_version === query.modelVersion);
    const views = await Promise.all(rows.map((row) => this.view(row)));
    const status = query.status?.toLowerCase();
    return status === undefined ? views : views.filter((v) => v.status.toLowerCase() === status);
  }

  async get(projectId: number, servingId: string): Promise<ServingView> {
    return this.view(await this.find(projectId, servingId));
  }

  /** PUT: create when `id` is absent, update that serving otherwise. */
  async save(projectId: number, creatorId: number, dto: ServingDto): Promise<SaveResult> {
    const existing = dto.id === undefined ? undefined : await this.find(projectId, String(dto.id));
    const input = await this.validator.validate(projectId, dto, existing);
    const kafkaTopic = await this.resolveTopic(input.name, input.topic, existing);
    const fields = {
      name: input.name,
      description: input.description,
      model_name: input.modelName,
      model_version: input.modelVersion,
      model_path: input.modelPath,
      backend_kind: input.modelServer,
      backend_endpoints: JSON.stringify(input.endpoints),
      serving_tool: input.servingTool,
      requested_instances: input.requestedInstances,
      batching_configuration: JSON.stringify({ batchingEnabled: input.batchingEnabled }),
      kafka_topic: kafkaTopic.name,
      kafka_num_partitions: kafkaTopic.partitions,
      kafka_num_replicas: kafkaTopic.replicas,
      inference_logging: input.inferenceLogging,
    };
    try {
      if (existing) {
        if (existing.status === 'Running' && input.modelServer === 'ONNX')
          await this.checkOnnxLoads(existing, input);
        const row = await this.servings.update(existing.id, fields);
        return { view: await this.view(row), created: false };
      }
      const row = await this.servings.create({
        ...fields,
        project_id: projectId,
        request_timeout_ms: null,
        status: 'Created',
        creator_id: creatorId,
        deployed_at: null,
        revision: null,
      });
      return { view: await this.view(row), created: true };
    } catch (error) {
      // Two replicas (or two clients) creating the same name at once: the unique index decides.
      if (isUniqueViolation(error)) {
        throw new ServingError(
          ServingErrorCode.DUPLICATED_ENTRY,
          `Serving with name ${input.name} already exists`,
        );
      }
      throw error;
    }
  }

  async act(projectId: number, servingId: string, action: string | undefined): Promise<void> {
    const command = action?.toUpperCase();
    if (command !== 'START' && command !== 'STOP') {
      // ServingCommands.fromString throws IllegalArgumentException: 422.
      throw new RequestError(
        RequestErrorCode.VALIDATION_FAILED,
        action === undefined
          ? 'action not provided (START or STOP)'
          : `action ${action} is not START or STOP`,
      );
    }
    const serving = await this.find(projectId, servingId);
    if (command === 'START') await this.start(serving);
    else await this.stop(serving);
  }

  async delete(projectId: number, servingId: string): Promise<void> {
    const serving = await this.find(projectId, servingId);
    await this.servings.delete(serving.id);
    await this.backends.release(serving.id);
  }

  private async start(serving: ServingRow): Promise<void> {
    const now = Date.now();
    const starting = await this.servings.transition(serving.id, STARTABLE, 'Starting', {
      deployed_at: now,
      revision: String(now),
    });
    if (!starting) throw await this.lifecycleError(serving.id);
    try {
      const backend = this.backends.backendFor(servingBackendSpec(starting, this.config.backends.timeoutMs));
      if (starting.backend_kind === 'ONNX') {
        if (!(await this.waitForOnnxVersion(starting))) {
          throw new ServingError(
            ServingErrorCode.LIFECYCLE_ERROR_INT,
            `The embedded backend could not load ${starting.model_name} version ${starting.model_version}`,
          );
        }
      } else {
        // TF Serving: the first round of health checks, so the view right after START reports facts.
        await backend.health();
      }
    } catch (error) {
      await this.backends.release(serving.id);
      if (error instanceof BackendError) {
        // A stub kind or unusable settings: the serving cannot run; leave it as it was.
        await this.servings.transition(serving.id, ['Starting'], serving.status);
        throw new ServingError(ServingErrorCode.LIFECYCLE_ERROR, `Serving ${serving.name}: ${error.message}`);
      }
      await this.servings.transition(serving.id, ['Starting'], 'Failed');
      throw error;
    }
    await this.servings.transition(serving.id, ['Starting'], 'Running');
    this.logger.log(`serving ${serving.name} (id ${serving.id}) started`);
  }

  private async stop(serving: ServingRow): Promise<void> {
    const stopping = await this.servings.transition(serving.id, STOPPABLE, 'Stopping');
    if (!stopping) throw await this.lifecycleError(serving.id);
    // Releases this replica's backend (for ONNX, the serving's view of the embedded model server); other
    // replicas answer 250001 from the stored status and drop theirs when the spec changes.
    await this.backends.release(serving.id);
    await this.servings.transition(serving.id, ['Stopping'], 'Stopped');
    this.logger.log(`serving ${serving.name} (id ${serving.id}) stopped`);
  }

  private async lifecycleError(servingId: number): Promise<ServingError> {
    const current = await this.servings.findById(servingId);
    if (!current) return new ServingError(ServingErrorCode.INSTANCE_NOT_FOUND, `id: ${servingId}`);
    return new ServingError(
      ServingErrorCode.LIFECYCLE_ERROR,
      ALREADY[current.status] ?? `Instance is ${current.status}`,
    );
  }

  /** The embedded backend rescans the repository every MODEL_POLL_INTERVAL_MS; give a new version that long. */
  private async waitForOnnxVersion(serving: ServingRow): Promise<boolean> {
    const backend = this.backends.backendFor(servingBackendSpec(serving, this.config.backends.timeoutMs));
    const deadline = Date.now() + Math.max(ONNX_LOAD_WAIT_MS, 2 * this.config.backends.modelPollIntervalMs);
    for (;;) {
      const status = await backend.modelStatus({ name: serving.model_name, version: serving.model_version });
      if (status.status === 200 && Buffer.from(status.body).toString('utf8').includes('AVAILABLE'))
        return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private async checkOnnxLoads(existing: ServingRow, input: ValidatedServing): Promise<void> {
    const candidate = { ...existing, model_name: input.modelName, model_version: input.modelVersion };
    if (!(await this.waitForOnnxVersion(candidate))) {
      throw new ServingError(
        ServingErrorCode.MODEL_FILES_STRUCTURE_NOT_VALID,
        `The embedded backend cannot load ${input.modelName} version ${input.modelVersion}`,
      );
    }
  }

  private async resolveTopic(
    servingName: string,
    topic: TopicRequest,
    existing: ServingRow | undefined,
  ): Promise<{ name: string | null; partitions: number | null; replicas: number | null }> {
    switch (topic.kind) {
      case 'NONE':
        return { name: null, partitions: null, replicas: null };
      case 'EXISTING':
        return existing?.kafka_topic === topic.name
          ? {
              name: topic.name,
              partitions: existing.kafka_num_partitions,
              replicas: existing.kafka_num_replicas,
            }
          : { name: topic.name, partitions: null, replicas: null };
      case 'CREATE': {
        // Hopsworks' KafkaServingHelper: `{servingName}-inf{4 random digits}`; retry on a collision.
        for (let attempt = 0; attempt < 10; attempt++) {
          const name = `${servingName}-inf${String(randomInt(10000)).padStart(4, '0')}`;
          if (await this.kafka.createTopic(name, topic.partitions, topic.replicas)) {
            return { name, partitions: topic.partitions, replicas: topic.replicas };
          }
        }
        throw new KafkaError(
          KafkaErrorCode.KAFKA_GENERIC_ERROR,
          `No free topic name for ${servingName}-infNNNN`,
        );
      }
      default: {
        const unknown: never = topic;
        throw new Error(`unknown topic request ${JSON.stringify(unknown)}`);
      }
    }
  }

  private async find(projectId: number, servingId: string): Promise<ServingRow> {
    const id = Number(servingId);
    const row = Number.isSafeInteger(id) ? await this.servings.findById(id) : undefined;
    if (!row || row.project_id !== projectId) {
      throw new ServingError(ServingErrorCode.INSTANCE_NOT_FOUND, `id: ${servingId}`);
    }
    return row;
  }

  /**
   * The stored status is the lifecycle (what START/STOP decided, shared by every replica); a started
   * serving shows `Running` only while at least one instance serves its model, `Starting` otherwise.
   */
  private async view(row: ServingRow): Promise<ServingView> {
    let available = 0;
    if (row.status === 'Running') available = countAvailable(await this.health(row));
    const status: ServingStatus = row.status === 'Running' && available === 0 ? 'Starting' : row.status;
    const creator = await this.users.findById(row.creator_id);
    const batching = row.batching_configuration
      ? (JSON.parse(row.batching_configuration) as { batchingEnabled?: boolean })
      : {};
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      modelPath:
        row.model_path ??
        (row.backend_kind === 'ONNX' ? `${this.config.backends.modelRepository}/${row.model_name}` : null),
      modelName: row.model_name,
      modelVersion: row.model_version,
      modelServer: row.backend_kind,
      servingTool: row.serving_tool,
      endpoints: JSON.parse(row.backend_endpoints) as string[],
      requestedInstances: row.requested_instances,
      availableInstances: available,
      batchingConfiguration: { batchingEnabled: batching.batchingEnabled ?? false },
      ...(row.kafka_topic === null
        ? {}
        : {
            kafkaTopicDTO: {
              name: row.kafka_topic,
              ...(row.kafka_num_partitions === null ? {} : { numOfPartitions: row.kafka_num_partitions }),
              ...(row.kafka_num_replicas === null ? {} : { numOfReplicas: row.kafka_num_replicas }),
              schemaName: INFERENCE_SCHEMA_SUBJECT,
              schemaVersion: WRITTEN_SCHEMA_VERSION,
            },
            inferenceLogging: row.inference_logging,
          }),
      status,
      created: new Date(row.created_at).toISOString(),
      deployed: row.deployed_at === null ? null : new Date(row.deployed_at).toISOString(),
      revision: row.revision,
      creator: creator ? `${creator.first_name} ${creator.last_name}` : '',
    };
  }

  private async health(row: ServingRow): Promise<BackendHealth | null> {
    try {
      return await this.backends.backendFor(servingBackendSpec(row, this.config.backends.timeoutMs)).health();
    } catch (error) {
      if (error instanceof BackendError) return null; // stub kind or bad settings: nothing serves it
      throw error;
    }
  }
}

/** TF Serving: instances whose health check found the model AVAILABLE; embedded: 1 when loaded. */
function countAvailable(health: BackendHealth | null): number {
  if (!health) return 0;
  if (health.instances) return health.instances.filter((i) => i.state === 'up').length;
  return health.state === 'up' ? 1 : 0;
}
