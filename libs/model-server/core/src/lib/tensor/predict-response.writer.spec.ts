import { type ServingError } from '../errors/serving-error';
import { parseJson } from '../json/json-parser';
import { writePredictResponse, type OutputTensor } from './predict-response.writer';

const out = (
  alias: string,
  dtype: OutputTensor['dtype'],
  dims: number[],
  data: OutputTensor['data'],
): OutputTensor => ({ alias, dtype, dims, data });

describe('writePredictResponse', () => {
  it("prints TF Serving's row layout and float formatting", () => {
    const text = writePredictResponse([out('y', 'float', [3], new Float32Array([3.5, 4, 5.5]))], 'row');
    expect(text).toBe('{\n    "predictions": [3.5, 4.0, 5.5\n    ]\n}');
  });

  it('strips the batch dimension and nests the rest', () => {
    const text = writePredictResponse([out('y', 'int32', [2, 2], new Int32Array([1, 2, 3, 4]))], 'row');
    expect(text).toBe('{\n    "predictions": [[1, 2], [3, 4]\n    ]\n}');
  });

  it('writes objects per row for several outputs, sorted by alias', () => {
    const text = writePredictResponse(
      [
        out('a', 'int64', [2], new BigInt64Array([9007199254740993n, -1n])),
        out('b', 'bool', [2, 1], new Uint8Array([1, 0])),
      ],
      'row',
    );
    expect(text).toBe(
      '{\n    "predictions": [\n        {\n            "a": 9007199254740993,\n            "b": [true]\n        },\n        {\n            "a": -1,\n            "b": [false]\n        }\n    ]\n}',
    );
  });

  it('writes columnar outputs, a rank-0 output as a bare scalar', () => {
    expect(writePredictResponse([out('y', 'float', [], new Float32Array([4.5]))], 'columnar')).toBe(
      '{\n    "outputs": 4.5\n}',
    );
    const two = writePredictResponse(
      [
        out('a', 'double', [2], new Float64Array([NaN, -Infinity])),
        out('b', 'uint64', [1], new BigUint64Array([2n ** 64n - 1n])),
      ],
      'columnar',
    );
    // TF's columnar writer keeps rapidjson's default (one value per line) array format.
    expect(two.replace(/\s+/g, '')).toBe('{"outputs":{"a":[NaN,-Infinity],"b":[18446744073709551615]}}');
    const doc = parseJson(Buffer.from(two));
    expect(doc.root).toBeDefined();
  });

  it('writes every dtype', () => {
    const all: OutputTensor[] = [
      out('f32', 'float', [1], new Float32Array([0.1])),
      out('f64', 'double', [1], new Float64Array([0.1])),
      out('i8', 'int8', [1], new Int8Array([-8])),
      out('i16', 'int16', [1], new Int16Array([-16])),
      out('i32', 'int32', [1], new Int32Array([-32])),
      out('i64', 'int64', [1], new BigInt64Array([-(2n ** 63n)])),
      out('u8', 'uint8', [1], new Uint8Array([8])),
      out('u16', 'uint16', [1], new Uint16Array([16])),
      out('u32', 'uint32', [1], new Uint32Array([2 ** 32 - 1])),
      out('u64', 'uint64', [1], new BigUint64Array([1n])),
      out('b', 'bool', [1], new Uint8Array([1])),
      out('s', 'string', [1], ['hé"']),
      out('s_bytes', 'string', [1], ['hi']),
    ];
    const text = writePredictResponse(all, 'columnar').replace(/\s+/g, '');
    for (const piece of [
      '"f32":[0.1]',
      '"f64":[0.1]',
      '"i8":[-8]',
      '"i16":[-16]',
      '"i32":[-32]',
      '"i64":[-9223372036854775808]',
      '"u8":[8]',
      '"u16":[16]',
      '"u32":[4294967295]',
      '"u64":[1]',
      '"b":[true]',
      '"s":["hé\\""]',
      '"s_bytes":[{',
      '"b64":"aGk="',
    ]) {
      expect(text).toContain(piece);
    }
  });

  it('rejects row answers without a batch dimension or with inconsistent batches', () => {
    expect(() => writePredictResponse([out('y', 'float', [], new Float32Array([1]))], 'row')).toThrow(
      'Tensor name: y has no shape information ',
    );
    const error = (() => {
      try {
        writePredictResponse(
          [out('a', 'float', [2], new Float32Array(2)), out('b', 'float', [3], new Float32Array(3))],
          'row',
        );
      } catch (e) {
        return e as ServingError;
      }
      return null;
    })();
    expect(error?.message).toBe('Tensor name: b has inconsistent batch size: 3 expecting: 2');
  });

  it('answers [] for a batch of 0', () => {
    expect(writePredictResponse([out('y', 'float', [0, 3], new Float32Array(0))], 'row')).toBe(
      '{\n    "predictions": []\n}',
    );
  });
});
