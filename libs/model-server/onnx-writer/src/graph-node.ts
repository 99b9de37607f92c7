import { type Attribute } from './attribute';

/** One operator application (ONNX NodeProto). `domain` defaults to the standard 'ai.onnx' set (''). */
export interface GraphNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly domain?: string;
  readonly attributes?: Readonly<Record<string, Attribute>>;
}
