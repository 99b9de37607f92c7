import * as ort from 'onnxruntime-node';
import { attr } from './attribute';
import { type ElemType } from './elem-type';
import { encodeModel } from './encode-model';
import { type ModelSpec } from './model-spec';
import { ORT_TENSOR_TYPES } from './ort-tensor-type';
import { type TensorValues } from './tensor-constant';

// These specs prove the bytes are valid by running them in the same runtime the model server uses.
async function run(
  model: ModelSpec,
  feeds: Record<string, ort.Tensor>,
): Promise<ort.InferenceSession.OnnxValueMapType> {
  const session = await ort.InferenceSession.create(encodeModel(model));
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function identityModel(elemType: ElemType, fromInitializer?: TensorValues): ModelSpec {
  return {
    graph: {
      name: `identity_${elemType}`,
      inputs: fromInitializer ? [] : [{ name: 'x', elemType, shape: ['batch', 2] }],
      outputs: [{ name: 'y', elemType, shape: fromInitializer ? [2, 2] : ['batch', 2] }],
      initializers: fromInitializer ? [{ name: 'c', elemType, dims: [2, 2], values: fromInitializer }] : [],
      nodes: [{ opType: 'Identity', inputs: [fromInitializer ? 'c' : 'x'], outputs: ['y'] }],
    },
  };
}

// One sample of each element type, as onnxruntime-node returns it from a tensor's `data`.
const SAMPLES: Record<ElemType, { values: TensorValues; expected: unknown[] }> = {
  FLOAT: { values: new Float32Array([1.5, -2, 0, 3.25]), expected: [1.5, -2, 0, 3.25] },
  DOUBLE: { values: new Float64Array([1e-300, -2, 0, Math.PI]), expected: [1e-300, -2, 0, Math.PI] },
  UINT8: { values: new Uint8Array([0, 1, 128, 255]), expected: [0, 1, 128, 255] },
  INT8: { values: new Int8Array([-128, -1, 0, 127]), expected: [-128, -1, 0, 127] },
  UINT16: { values: new Uint16Array([0, 1, 40000, 65535]), expected: [0, 1, 40000, 65535] },
  INT16: { values: new Int16Array([-32768, -1, 0, 32767]), expected: [-32768, -1, 0, 32767] },
  INT32: {
    values: new Int32Array([-(2 ** 31), -1, 0, 2 ** 31 - 1]),
    expected: [-(2 ** 31), -1, 0, 2 ** 31 - 1],
  },
  UINT32: { values: new Uint32Array([0, 1, 2 ** 31, 2 ** 32 - 1]), expected: [0, 1, 2 ** 31, 2 ** 32 - 1] },
  INT64: {
    values: new BigInt64Array([-(2n ** 63n), -1n, 0n, 2n ** 53n + 1n]),
    expected: [-(2n ** 63n), -1n, 0n, 2n ** 53n + 1n],
  },
  UINT64: {
    values: new BigUint64Array([0n, 1n, 2n ** 63n, 2n ** 64n - 1n]),
    expected: [0n, 1n, 2n ** 63n, 2n ** 64n - 1n],
  },
  // onnxruntime-node hands bool tensors back as Uint8Array 0/1.
  BOOL: { values: [true, false, false, true], expected: [1, 0, 0, 1] },
  STRING: { values: ['', 'a', 'héllo', 'x y'], expected: ['', 'a', 'héllo', 'x y'] },
};

function feedTensor(elemType: ElemType, values: TensorValues, dims: number[]): ort.Tensor {
  // onnxruntime-node takes bool tensors as Uint8Array, strings as string[]; the rest as the typed array.
  // Its overloads tie each type name to one data type; the casts only pick an overload.
  const data = elemType === 'BOOL' ? Uint8Array.from(values as boolean[], (b) => (b ? 1 : 0)) : values;
  return new ort.Tensor(ORT_TENSOR_TYPES[elemType] as 'float32', data as Float32Array, dims);
}

describe('encodeModel', () => {
  it('builds Y = X + C with a symbolic batch dimension', async () => {
    const model: ModelSpec = {
      graph: {
        inputs: [{ name: 'X', elemType: 'FLOAT', shape: ['batch', 3] }],
        outputs: [{ name: 'Y', elemType: 'FLOAT', shape: ['batch', 3] }],
        initializers: [{ name: 'C', elemType: 'FLOAT', dims: [3], values: [10, 20, 30] }],
        nodes: [{ opType: 'Add', inputs: ['X', 'C'], outputs: ['Y'] }],
      },
    };
    const session = await ort.InferenceSession.create(encodeModel(model));
    expect(session.inputNames).toEqual(['X']);
    expect(session.outputNames).toEqual(['Y']);
    expect(session.inputMetadata[0]).toMatchObject({
      name: 'X',
      isTensor: true,
      type: 'float32',
      shape: ['batch', 3],
    });
    const { Y } = await session.run({
      X: new ort.Tensor('float32', new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]),
    });
    expect(Y.dims).toEqual([2, 3]);
    expect(Array.from(Y.data as Float32Array)).toEqual([11, 22, 33, 14, 25, 36]);
    await session.release();
  });

  it.each(Object.keys(SAMPLES) as ElemType[])('round-trips a %s input through Identity', async (elemType) => {
    const { values, expected } = SAMPLES[elemType];
    const { y } = await run(identityModel(elemType), {
      x: feedTensor(elemType, values, [2, 2]),
    });
    expect(y.type).toBe(ORT_TENSOR_TYPES[elemType]);
    expect(Array.from(y.data as ArrayLike<unknown>)).toEqual(expected);
  });

  it.each(Object.keys(SAMPLES) as ElemType[])('encodes a %s initializer', async (elemType) => {
    const { values, expected } = SAMPLES[elemType];
    const { y } = await run(identityModel(elemType, values), {});
    expect(y.type).toBe(ORT_TENSOR_TYPES[elemType]);
    expect(y.dims).toEqual([2, 2]);
    expect(Array.from(y.data as ArrayLike<unknown>)).toEqual(expected);
  });

  it('accepts plain number arrays and bigints for 64-bit initializers', async () => {
    const { y } = await run(identityModel('INT64', [1, -2, 3n, 2 ** 40]), {});
    expect(Array.from(y.data as BigInt64Array)).toEqual([1n, -2n, 3n, 2n ** 40n]);
  });

  it('writes INT attributes (Cast to=INT32) and unknown (-1) dims', async () => {
    const { y } = await run(
      {
        graph: {
          inputs: [{ name: 'x', elemType: 'FLOAT', shape: [-1] }],
          outputs: [{ name: 'y', elemType: 'INT32', shape: [-1] }],
          nodes: [{ opType: 'Cast', inputs: ['x'], outputs: ['y'], attributes: { to: attr.int(6) } }],
        },
      },
      { x: new ort.Tensor('float32', new Float32Array([1.9, -2.5, 7]), [3]) },
    );
    expect(y.type).toBe('int32');
    expect(Array.from(y.data as Int32Array)).toEqual([1, -2, 7]);
  });

  it('writes FLOAT, INTS, FLOATS, STRING, STRINGS and TENSOR attributes', async () => {
    const out = await run(
      {
        graph: {
          inputs: [{ name: 'x', elemType: 'FLOAT', shape: [2, 3] }],
          outputs: [
            { name: 'leaky', elemType: 'FLOAT', shape: [2, 3] },
            { name: 'transposed', elemType: 'FLOAT', shape: [3, 2] },
            { name: 'floats', elemType: 'FLOAT', shape: [2] },
            { name: 'ints', elemType: 'INT64', shape: [3] },
            { name: 'str', elemType: 'STRING', shape: [] },
            { name: 'strs', elemType: 'STRING', shape: [2] },
            { name: 'tensor', elemType: 'UINT16', shape: [2] },
          ],
          nodes: [
            {
              opType: 'LeakyRelu',
              inputs: ['x'],
              outputs: ['leaky'],
              attributes: { alpha: attr.float(0.5) },
            },
            {
              opType: 'Transpose',
              inputs: ['x'],
              outputs: ['transposed'],
              attributes: { perm: attr.ints([1, 0]) },
            },
            {
              opType: 'Constant',
              inputs: [],
              outputs: ['floats'],
              attributes: { value_floats: attr.floats([0.25, -1]) },
            },
            {
              opType: 'Constant',
              inputs: [],
              outputs: ['ints'],
              attributes: { value_ints: attr.ints([1, -1n, 2 ** 40]) },
            },
            {
              opType: 'Constant',
              inputs: [],
              outputs: ['str'],
              attributes: { value_string: attr.string('hi') },
            },
            {
              opType: 'Constant',
              inputs: [],
              outputs: ['strs'],
              attributes: { value_strings: attr.strings(['a', 'b']) },
            },
            {
              opType: 'Constant',
              inputs: [],
              outputs: ['tensor'],
              attributes: { value: attr.tensor({ elemType: 'UINT16', dims: [2], values: [7, 65535] }) },
            },
          ],
        },
      },
      { x: new ort.Tensor('float32', new Float32Array([-2, 1, -4, 3, 0, 5]), [2, 3]) },
    );
    expect(Array.from(out.leaky.data as Float32Array)).toEqual([-1, 1, -2, 3, 0, 5]);
    expect(Array.from(out.transposed.data as Float32Array)).toEqual([-2, 3, 1, 0, -4, 5]);
    expect(Array.from(out.floats.data as Float32Array)).toEqual([0.25, -1]);
    expect(Array.from(out.ints.data as BigInt64Array)).toEqual([1n, -1n, 2n ** 40n]);
    expect(out.str.data).toEqual(['hi']);
    expect(out.strs.data).toEqual(['a', 'b']);
    expect(Array.from(out.tensor.data as Uint16Array)).toEqual([7, 65535]);
  });

  it('honours ir_version and opset imports', async () => {
    const { p, k } = await run(
      {
        irVersion: 7,
        opsetImports: [{ domain: '', version: 13 }],
        graph: {
          inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['n', 3] }],
          outputs: [
            { name: 'p', elemType: 'FLOAT', shape: ['n', 3] },
            { name: 'k', elemType: 'INT64', shape: ['n'] },
          ],
          nodes: [
            { opType: 'Softmax', inputs: ['x'], outputs: ['p'], attributes: { axis: attr.int(-1) } },
            {
              opType: 'ArgMax',
              inputs: ['p'],
              outputs: ['k'],
              attributes: { axis: attr.int(1), keepdims: attr.int(0) },
            },
          ],
        },
      },
      { x: new ort.Tensor('float32', new Float32Array([0, 0, 0, 1, 5, 2]), [2, 3]) },
    );
    const probs = Array.from(p.data as Float32Array);
    probs.slice(0, 3).forEach((v) => expect(v).toBeCloseTo(1 / 3, 6));
    expect(probs.slice(3).reduce((a, b) => a + b)).toBeCloseTo(1, 6);
    expect(Array.from(k.data as BigInt64Array)).toEqual([0n, 1n]);
  });

  it('rejects values that do not fit the declared dims or type', () => {
    const spec = (values: TensorValues, elemType: ElemType = 'FLOAT'): ModelSpec =>
      identityModel(elemType, values);
    expect(() => encodeModel(spec([1, 2, 3]))).toThrow(/dims \[2, 2\] hold 4 values, got 3/);
    expect(() => encodeModel(spec([1, 2, 3, 4.5], 'INT64'))).toThrow(/INT64 value must be an integer/);
    expect(() => encodeModel(spec([1, 2, 3, 4], 'STRING'))).toThrow(/STRING value \[0\] must be a string/);
    expect(() => encodeModel(spec([true, false, 2, 0] as unknown as boolean[], 'BOOL'))).toThrow(
      /BOOL value \[2\]/,
    );
    expect(() => encodeModel(spec([1, 2, 3, 4], 'FLOAT16' as ElemType))).toThrow(
      /unknown elemType "FLOAT16"/,
    );
  });
});
