import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { isBackendKind, type BackendKind } from '@infergate/serving-contract';
import { ServingRepository, type InferenceLoggingMode, type ServingRow } from '@infergate/store';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RequestError, RequestErrorCode } from '../http/request.error';
import { KafkaError, KafkaErrorCode } from '../kafka/kafka.error';
import { KafkaAdminService } from '../kafka/kafka-admin.service';
import type { ServingDto } from './serving.dto';
import { ServingError, ServingErrorCode } from './serving.error';

const NAME = /^[a-zA-Z0-9]+$/;
const MODEL_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const LOGGING_MODES: readonly InferenceLoggingMode[] = ['ALL', 'PREDICTIONS', 'MODEL_INPUTS'];

/** What `kafkaTopicDTO` asks for. */
export type TopicRequest =
  | { readonly kind: 'NONE' }
  | { readonly kind: 'CREATE'; readonly partitions: number; readonly replicas: number }
  | { readonly kind: 'EXISTING'; readonly name: string };

export interface ValidatedServing {
  readonly name: string;
  readonly description: string;
  readonly modelName: string;
  readonly modelVersion: number;
  readonly modelPath: string | null;
  readonly modelServer: BackendKind;
  readonly servingTool: 'DEFAULT';
  readonly endpoints: readonly string[];
  readonly requestedInstances: number;
  readonly batchingEnabled: boolean;
  readonly topic: TopicRequest;
  readonly inferenceLogging: InferenceLoggingMode;
}

function illegal(message: string): RequestError {
  // Hopsworks throws IllegalArgumentException for these, which its mapper answers 422/120001.
  return new RequestError(RequestErrorCode.VALIDATION_FAILED, message);
}

/**
 * Hopsworks' ServingUtil.validateUserInput, in its order, for the parts that apply to this gateway.
 * Where the anchor's checks are about files this gateway cannot see (a remote TF Serving's model
 * directory), they are skipped; the embedded ONNX backend's files are checked.
 */
@Injectable()
export class ServingInputValidator {
  constructor(
    private readonly servings: ServingRepository,
    private readonly kafka: KafkaAdminService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async validate(projectId: number, dto: ServingDto, existing?: ServingRow): Promise<ValidatedServing> {
    // 1. name
    const name = dto.name;
    if (name === undefined || name.trim() === '') throw illegal('Serving name not provided');
    if (/\s/.test(name)) throw illegal('Serving name cannot contain spaces');
    if (!NAME.test(name)) throw illegal('Serving name must follow regex: "[a-zA-Z0-9]+"');
    const clash = await this.servings.findByProjectAndName(projectId, name);
    if (clash && clash.id !== existing?.id) {
      throw new ServingError(ServingErrorCode.DUPLICATED_ENTRY, `Serving with name ${name} already exists`);
    }

    // 2. model server (required, fixed once created)
    const modelServer = dto.modelServer;
    if (modelServer === undefined || modelServer === '') throw illegal('Model server not provided');
    if (!isBackendKind(modelServer)) {
      throw illegal(
        `Model server ${modelServer} is not one of TENSORFLOW_SERVING, ONNX, KSERVE_V2, TORCHSERVE`,
      );
    }
    if (existing && existing.backend_kind !== modelServer) {
      throw new ServingError(
        ServingErrorCode.UPDATE_MODEL_SERVER_ERROR,
        `The model server of serving ${existing.name} is ${existing.backend_kind} and cannot be changed`,
      );
    }

    // 3. model name, version and path
    if (dto.modelVersion === undefined) throw illegal('Model version not provided');
    const givenPath = dto.modelPath?.replace(/\/+$/, '') || undefined;
    const modelName = dto.modelName || (givenPath ? basename(givenPath) : undefined);
    if (!modelName) throw illegal('Model name not provided (give modelName or modelPath)');
    if (!MODEL_NAME.test(modelName))
      throw illegal(`Model name ${modelName} must follow regex: "${MODEL_NAME.source}"`);
    if (givenPath && basename(givenPath) !== modelName) {
      throw illegal(`Model name ${modelName} must be the last segment of modelPath ${givenPath}`);
    }
    const modelPath =
      modelServer === 'ONNX'
        ? this.onnxModelPath(modelName, dto.modelVersion, givenPath)
        : (givenPath ?? null);

    // 4. serving tool
    const tool = dto.servingTool ?? 'DEFAULT';
    if (tool === 'KSERVE') {
      throw new ServingError(ServingErrorCode.KUBERNETES_NOT_INSTALLED, 'KSERVE servings need Kubernetes');
    }
    if (tool !== 'DEFAULT') throw illegal(`Serving tool ${tool} is not one of DEFAULT, KSERVE`);

    // 5. instances: the TF Serving endpoints, or the one embedded backend
    const endpoints = this.endpoints(modelServer, dto.endpoints);

    // 6. batching
    const batching = dto.batchingConfiguration ?? {};
    for (const field of ['maxBatchSize', 'maxLatency', 'timeout']) {
      if (batching[field] !== undefined && batching[field] !== null) {
        throw new ServingError(
          ServingErrorCode.REQUEST_BATCHING_NOT_SUPPORTED,
          `Fine-grained batching (${field}) is only supported on KServe`,
        );
      }
    }
    const batchingEnabled = batching['batchingEnabled'] ?? false;
    if (typeof batchingEnabled !== 'boolean')
      throw illegal('batchingConfiguration.batchingEnabled must be a boolean');
    if (batchingEnabled && modelServer !== 'TENSORFLOW_SERVING') {
      throw new ServingError(
        ServingErrorCode.REQUEST_BATCHING_NOT_SUPPORTED,
        `Request batching is not supported by ${modelServer} servings`,
      );
    }

    // 7. Kafka topic and logging mode
    const topic = await this.topic(projectId, dto.kafkaTopicDTO, existing);
    let inferenceLogging: InferenceLoggingMode = 'ALL';
    if (topic.kind === 'NONE') {
      if (dto.inferenceLogging !== undefined && dto.inferenceLogging !== null) {
        throw illegal('Inference logging mode provided but no Kafka topic is set');
      }
    } else {
      if (dto.inferenceLogging === undefined || dto.inferenceLogging === null) {
        throw illegal('Inference logging mode not provided');
      }
      if (!LOGGING_MODES.includes(dto.inferenceLogging as InferenceLoggingMode)) {
        throw illegal(
          `Inference logging mode ${dto.inferenceLogging} is not one of ${LOGGING_MODES.join(', ')}`,
        );
      }
      inferenceLogging = dto.inferenceLogging as InferenceLoggingMode;
    }

    return {
      name,
      description: dto.description ?? '',
      modelName,
      modelVersion: dto.modelVersion,
      modelPath,
      modelServer,
      servingTool: 'DEFAULT',
      endpoints,
      requestedInstances: modelServer === 'TENSORFLOW_SERVING' ? endpoints.length : 1,
      batchingEnabled,
      topic,
      inferenceLogging,
    };
  }

  /**
   * The embedded backend serves the model repository, so an ONNX model lives at `<repo>/<modelName>`
   * with `<version>/model.onnx` inside (TF Serving's layout); modelPath may be omitted.
   */
  private onnxModelPath(modelName: string, version: number, given: string | undefined): string {
    const repository = this.config.backends.modelRepository;
    const expected = join(repository, modelName);
    if (given !== undefined && resolve(given) !== expected) {
      throw new ServingError(
        ServingErrorCode.MODEL_PATH_NOT_FOUND,
        `ONNX model path ${given} must be the model's directory in the model repository: ${expected}`,
      );
    }
    if (!existsSync(expected) || !statSync(expected).isDirectory()) {
      throw new ServingError(ServingErrorCode.MODEL_PATH_NOT_FOUND, `Model path not found: ${expected}`);
    }
    const file = join(expected, String(version), 'model.onnx');
    if (!existsSync(file)) {
      throw new ServingError(
        ServingErrorCode.MODEL_FILES_STRUCTURE_NOT_VALID,
        `Model version ${version} has no ${join(String(version), 'model.onnx')} under ${expected}`,
      );
    }
    return expected;
  }

  private endpoints(kind: BackendKind, given: readonly string[] | undefined): string[] {
    if (kind !== 'TENSORFLOW_SERVING') {
      if (given && given.length > 0)
        throw illegal(`endpoints apply to TENSORFLOW_SERVING servings, not ${kind}`);
      return [];
    }
    if (!given || given.length === 0) {
      throw illegal('TENSORFLOW_SERVING servings need endpoints: the base URLs of their instances');
    }
    const normalised = given.map((value) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw illegal(`endpoint ${JSON.stringify(value)} is not an absolute URL (e.g. http://host:8501)`);
      }
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username) {
        throw illegal(`endpoint ${value} must be http(s)://host:port[/path] without query or credentials`);
      }
      return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    });
    if (new Set(normalised).size !== normalised.length) throw illegal('endpoints must not repeat');
    return normalised;
  }

  private async topic(
    projectId: number,
    dto: Record<string, unknown> | undefined,
    existing: ServingRow | undefined,
  ): Promise<TopicRequest> {
    const name = dto?.['name'];
    if (name === undefined || name === null || name === 'NONE') return { kind: 'NONE' };
    if (typeof name !== 'string' || name === '')
      throw illegal('kafkaTopicDTO.name must be CREATE, NONE or a topic');
    if (name === 'CREATE') {
      const partitions = dto?.['numOfPartitions'] ?? 1;
      const replicas = dto?.['numOfReplicas'] ?? 1;
      if (!Number.isInteger(partitions) || (partitions as number) <= 0) {
        throw new KafkaError(
          KafkaErrorCode.BAD_NUM_PARTITION,
          `Invalid number of partitions: ${String(partitions)}`,
        );
      }
      if (!Number.isInteger(replicas) || (replicas as number) <= 0) {
        throw new KafkaError(
          KafkaErrorCode.TOPIC_REPLICATION_ERROR,
          `Invalid number of replicas: ${String(replicas)}`,
        );
      }
      return { kind: 'CREATE', partitions: partitions as number, replicas: replicas as number };
    }
    // On an update naming the serving's own topic, the topic is kept as it is (Hopsworks does the same).
    if (existing?.kafka_topic === name) return { kind: 'EXISTING', name };
    if (!(await this.kafka.topicExists(projectId, name))) {
      throw new ServingError(ServingErrorCode.KAFKA_TOPIC_NOT_FOUND, `Kafka topic ${name} not found`);
    }
    return { kind: 'EXISTING', name };
  }
}
