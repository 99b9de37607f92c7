// Tiny ONNX models for the model server's specs, built with @infergate/onnx-writer. This folder is skipped
// by tools/scripts/build.mjs, so none of it ships.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeModel, type ElemType, type ModelSpec } from '@infergate/onnx-writer';

/** y = a·x + b on float [batch] (TF Serving's half_plus_two with a=0.5, b=2). */
export function affineModel(a: number, b: number): ModelSpec {
  return {
    graph: {
      inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['batch'] }],
      outputs: [{ name: 'y', elemType: 'FLOAT', shape: ['batch'] }],
      initializers: [
        { name: 'a', elemType: 'FLOAT', dims: [], values: [a] },
        { name: 'b', elemType: 'FLOAT', dims: [], values: [b] },
      ],
      nodes: [
        { opType: 'Mul', inputs: ['x', 'a'], outputs: ['ax'] },
        { opType: 'Add', inputs: ['ax', 'b'], outputs: ['y'] },
      ],
    },
  };
}

export const ALL_ELEM_TYPES: readonly ElemType[] = [
  'FLOAT',
  'DOUBLE',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'BOOL',
  'STRING',
];

/** One Identity per element type: input `in_<type>` → output `out_<type>`, shape [batch, n]. */
export function identityModel(types: readonly ElemType[] = ALL_ELEM_TYPES): ModelSpec {
  const name = (t: ElemType) => t.toLowerCase();
  return {
    graph: {
      inputs: types.map((t) => ({ name: `in_${name(t)}`, elemType: t, shape: ['batch', 'n'] })),
      outputs: types.map((t) => ({ name: `out_${name(t)}`, elemType: t, shape: ['batch', 'n'] })),
      nodes: types.map((t) => ({
        opType: 'Identity',
        inputs: [`in_${name(t)}`],
        outputs: [`out_${name(t)}`],
      })),
    },
  };
}

/** Classifier over float x [batch, 1]: scores = [x, 1 - x], classes = ["yes", "no"] per row. */
export function classifierModel(): ModelSpec {
  return {
    graph: {
      inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['batch', 1] }],
      outputs: [
        { name: 'scores', elemType: 'FLOAT', shape: ['batch', 2] },
        { name: 'classes', elemType: 'STRING', shape: ['batch', 2] },
      ],
      initializers: [
        { name: 'one', elemType: 'FLOAT', dims: [], values: [1] },
        { name: 'labels', elemType: 'STRING', dims: [1, 2], values: ['yes', 'no'] },
      ],
      nodes: [
        { opType: 'Sub', inputs: ['one', 'x'], outputs: ['not_x'] },
        {
          opType: 'Concat',
          inputs: ['x', 'not_x'],
          outputs: ['scores'],
          attributes: { axis: { type: 'INT', value: 1 } },
        },
        { opType: 'Shape', inputs: ['scores'], outputs: ['shape'] },
        { opType: 'Expand', inputs: ['labels', 'shape'], outputs: ['classes'] },
      ],
    },
  };
}

/** Regressor: y = 0.5·x + 2 on float x [batch, 1] → [batch, 1]. */
export function regressorModel(): ModelSpec {
  const m = affineModel(0.5, 2);
  return {
    graph: {
      ...m.graph,
      inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['batch', 1] }],
      outputs: [{ name: 'y', elemType: 'FLOAT', shape: ['batch', 1] }],
    },
  };
}

/** Writes `<repo>/<name>/<version>/model.onnx` (and config.json when given). */
export function writeModel(
  repo: string,
  name: string,
  version: number,
  model: ModelSpec,
  config?: unknown,
): void {
  const dir = path.join(repo, name, String(version));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'model.onnx'), encodeModel(model));
  if (config !== undefined) writeFileSync(path.join(repo, name, 'config.json'), JSON.stringify(config));
}

/** A deliberately slow model: `depth` chained 512×512 MatMuls on float x [batch, 512]. */
export function slowModel(depth: number): ModelSpec {
  const n = 512;
  const w = new Float32Array(n * n);
  for (let i = 0; i < n; i++) w[i * n + i] = 1;
  const nodes = Array.from({ length: depth }, (_, i) => ({
    opType: 'MatMul',
    inputs: [i === 0 ? 'x' : `h${i}`, 'w'],
    outputs: [i === depth - 1 ? 'y' : `h${i + 1}`],
  }));
  return {
    graph: {
      inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['batch', n] }],
      outputs: [{ name: 'y', elemType: 'FLOAT', shape: ['batch', n] }],
      initializers: [{ name: 'w', elemType: 'FLOAT', dims: [n, n], values: w }],
      nodes,
    },
  };
}
