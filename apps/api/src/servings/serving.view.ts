import type { InferenceLoggingMode, ServingStatus } from '@infergate/store';

/** Hopsworks' kafkaTopicDTO as the serving view carries it. */
export interface KafkaTopicView {
  readonly name: string;
  readonly numOfPartitions?: number;
  readonly numOfReplicas?: number;
  readonly schemaName: string;
  readonly schemaVersion: number;
}

/**
 * Hopsworks' ServingView (the fields that apply here), plus `endpoints`: the TF Serving instances a
 * TENSORFLOW_SERVING serving balances over (Hopsworks runs the instances itself and has no such field).
 */
export interface ServingView {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly modelPath: string | null;
  readonly modelName: string;
  readonly modelVersion: number;
  readonly modelServer: string;
  readonly servingTool: string;
  readonly endpoints: readonly string[];
  readonly requestedInstances: number;
  readonly availableInstances: number;
  readonly batchingConfiguration: { readonly batchingEnabled: boolean };
  /** Absent when the serving does not log (topic NONE), as in Hopsworks. */
  readonly kafkaTopicDTO?: KafkaTopicView;
  readonly inferenceLogging?: InferenceLoggingMode;
  readonly status: ServingStatus;
  readonly created: string;
  readonly deployed: string | null;
  readonly revision: string | null;
  /** "First Last", as Hopsworks shows it. */
  readonly creator: string;
}
