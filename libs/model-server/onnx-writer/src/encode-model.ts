import { encodeAttribute } from './encode-attribute';
import { encodeTensor } from './encode-tensor';
import { encodeValueInfo } from './encode-value-info';
import { type GraphNode } from './graph-node';
import { DEFAULT_IR_VERSION, DEFAULT_OPSET_IMPORTS, type ModelSpec } from './model-spec';
import { GRAPH, MODEL, NODE, OPSET_ID } from './proto-fields';
import { bytesField, int64Field, messageField, newWriter } from './proto-writer';
import { type Writer } from 'protobufjs/minimal';

/**
 * Serialises a model description to ONNX ModelProto bytes, ready for `InferenceSession.create(bytes)` or
 * to be written as `model.onnx`. Only structure is checked here (tensor sizes, value types); whether the
 * graph is a valid ONNX program is left to the runtime that loads it.
 */
export function encodeModel(model: ModelSpec): Uint8Array {
  const w = newWriter();
  int64Field(w, MODEL.irVersion, model.irVersion ?? DEFAULT_IR_VERSION);
  bytesField(w, MODEL.producerName, model.producerName ?? '@infergate/onnx-writer');
  if (model.producerVersion !== undefined) bytesField(w, MODEL.producerVersion, model.producerVersion);

  const { graph } = model;
  messageField(w, MODEL.graph, (g) => {
    for (const node of graph.nodes) messageField(g, GRAPH.node, (n) => encodeNode(n, node));
    bytesField(g, GRAPH.name, graph.name ?? 'main');
    for (const init of graph.initializers ?? [])
      messageField(g, GRAPH.initializer, (t) => encodeTensor(t, init));
    for (const input of graph.inputs) messageField(g, GRAPH.input, (v) => encodeValueInfo(v, input));
    for (const output of graph.outputs) messageField(g, GRAPH.output, (v) => encodeValueInfo(v, output));
  });

  for (const opset of model.opsetImports ?? DEFAULT_OPSET_IMPORTS) {
    messageField(w, MODEL.opsetImport, (o) => {
      bytesField(o, OPSET_ID.domain, opset.domain);
      int64Field(o, OPSET_ID.version, opset.version);
    });
  }
  return w.finish();
}

function encodeNode(w: Writer, node: GraphNode): void {
  for (const input of node.inputs) bytesField(w, NODE.input, input);
  for (const output of node.outputs) bytesField(w, NODE.output, output);
  if (node.name !== undefined) bytesField(w, NODE.name, node.name);
  bytesField(w, NODE.opType, node.opType);
  for (const [name, attribute] of Object.entries(node.attributes ?? {})) {
    messageField(w, NODE.attribute, (a) => encodeAttribute(a, name, attribute));
  }
  if (node.domain !== undefined) bytesField(w, NODE.domain, node.domain);
}
