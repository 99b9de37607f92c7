import { type GraphNode } from './graph-node';
import { type TensorConstant } from './tensor-constant';
import { type ValueInfo } from './value-info';

export interface OpsetImport {
  /** '' is the standard ONNX operator set; e.g. 'com.microsoft' for ONNX Runtime contrib ops. */
  readonly domain: string;
  readonly version: number;
}

export interface GraphSpec {
  readonly name?: string;
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  /** Topologically sorted, as ONNX requires. */
  readonly nodes: readonly GraphNode[];
  /** Each needs a name; nodes refer to it like any other value. */
  readonly initializers?: readonly (TensorConstant & { readonly name: string })[];
}

/** Everything encodeModel needs; the defaults are in DEFAULT_IR_VERSION / DEFAULT_OPSET_IMPORTS. */
export interface ModelSpec {
  readonly graph: GraphSpec;
  readonly irVersion?: number;
  readonly opsetImports?: readonly OpsetImport[];
  readonly producerName?: string;
  readonly producerVersion?: string;
}

/** IR 8 is the first to allow opset 17 and is read by every ONNX Runtime since 1.11. */
export const DEFAULT_IR_VERSION = 8;
export const DEFAULT_OPSET_IMPORTS: readonly OpsetImport[] = [{ domain: '', version: 17 }];
