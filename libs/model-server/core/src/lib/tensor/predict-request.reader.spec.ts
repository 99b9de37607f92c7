import { ServingError } from '../errors/serving-error';
import { type JsonObject } from '../json/json-document';
import { parseJson } from '../json/json-parser';
import { type Signature } from '../repository/signature';
import { readPredictInputs, type PredictInputs } from './predict-request.reader';
import { type TfDtype } from './tf-dtype';

function signature(inputs: Record<string, TfDtype>): Signature {
  return {
    name: 'serving_default',
    method: 'predict',
    inputs: Object.entries(inputs)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([alias, dtype]) => ({ alias, onnxName: alias, dtype, shape: [-1] })),
    outputs: [],
  };
}

function read(body: string, inputs: Record<string, TfDtype>): PredictInputs {
  const doc = parseJson(Buffer.from(body));
  return readPredictInputs(doc, doc.root as JsonObject, signature(inputs));
}

function fail(body: string, inputs: Record<string, TfDtype>): ServingError {
  try {
    read(body, inputs);
  } catch (error) {
    if (error instanceof ServingError) return error;
    throw error;
  }
  throw new Error('no error');
}

const single = (body: string, dtype: TfDtype) => read(body, { x: dtype }).tensors.get('x')!;

describe('readPredictInputs: dtypes', () => {
  it.each<[TfDtype, string, unknown[], string]>([
    [
      'float',
      '[1, 2.5, -3e2, NaN, Infinity, -Infinity, 1e39, 1e-50]',
      [1, 2.5, -300, NaN, Infinity, -Infinity, Infinity, 0],
      'Float32Array',
    ],
    [
      'double',
      '[1, 2.5, 1e300, -Inf, 9007199254740993]',
      [1, 2.5, 1e300, -Infinity, 9007199254740992],
      'Float64Array',
    ],
    ['int8', '[1, -1, 127, 300]', [1, -1, 127, 44], 'Int8Array'],
    ['int16', '[1, -32768, 32767]', [1, -32768, 32767], 'Int16Array'],
    ['int32', '[0, -2147483648, 2147483647]', [0, -2147483648, 2147483647], 'Int32Array'],
    ['uint8', '[0, 255, 256]', [0, 255, 0], 'Uint8Array'],
    ['uint16', '[0, 65535]', [0, 65535], 'Uint16Array'],
    ['uint32', '[0, 4294967295]', [0, 4294967295], 'Uint32Array'],
    [
      'int64',
      '[-9223372036854775808, 9223372036854775807, 9007199254740993, 5]',
      [-(2n ** 63n), 2n ** 63n - 1n, 9007199254740993n, 5n],
      'BigInt64Array',
    ],
    [
      'uint64',
      '[0, 18446744073709551615, 9223372036854775808]',
      [0n, 2n ** 64n - 1n, 2n ** 63n],
      'BigUint64Array',
    ],
    ['bool', '[true, false, true]', [1, 0, 1], 'Uint8Array'],
    ['string', '["a", "héllo", {"b64": "aGk="}, {"b64": "aGk"}]', ['a', 'héllo', 'hi', 'hi'], 'Array'],
  ])('converts %s straight into its typed array', (dtype, json, expected, ctor) => {
    const t = single(`{"inputs": ${json}}`, dtype);
    expect(t.dtype).toBe(dtype);
    expect(t.shape).toEqual([expected.length]);
    expect(t.data.constructor.name).toBe(ctor);
    expect(Array.from(t.data as ArrayLike<unknown>)).toEqual(expected);
  });

  it.each<[TfDtype, string, string]>([
    ['float', '"a"', 'JSON Value: "a" Type: String is not of expected type: float'],
    ['double', 'true', 'JSON Value: true Type: True is not of expected type: double'],
    ['int32', '1.0', 'JSON Value: 1.0 Type: Number is not of expected type: int32'],
    ['int32', '3000000000', 'JSON Value: 3000000000 Type: Number is not of expected type: int32'],
    ['int16', '1.5', 'JSON Value: 1.5 Type: Number is not of expected type: int16'],
    ['int8', 'null', 'JSON Value: null Type: Null is not of expected type: int8'],
    ['uint8', '-1.0', 'JSON Value: -1.0 Type: Number is not of expected type: uint8'],
    ['uint32', '-1', 'JSON Value: -1 Type: Number is not of expected type: uint32'],
    [
      'int64',
      '9223372036854775808',
      'JSON Value: 9223372036854775808 Type: Number is not of expected type: int64',
    ],
    ['int64', '2.0', 'JSON Value: 2.0 Type: Number is not of expected type: int64'],
    ['uint64', '-5', 'JSON Value: -5 Type: Number is not of expected type: uint64'],
    ['bool', '1', 'JSON Value: 1 Type: Number is not of expected type: bool'],
    ['string', '5', 'JSON Value: 5 Type: Number is not of expected type: string'],
    ['float', '{"b64": "aGk="}', 'Type: Object is not of expected type: float'],
  ])('rejects for %s: %s', (dtype, value, message) => {
    const error = fail(`{"inputs": [${value}]}`, { x: dtype });
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(message);
  });

  it('answers UNIMPLEMENTED (501) for dtypes TF Serving cannot convert', () => {
    const error = fail('{"inputs": [1.0]}', { x: 'half' });
    expect(error.httpStatus).toBe(501);
    expect(error.message).toBe('Conversion of JSON Value: 1.0 to type: half');
  });

  it('decodes b64 per absl and reports bad payloads', () => {
    expect(fail('{"inputs": [{"b64": "a-_b"}]}', { x: 'string' }).message).toBe('Unable to base64 decode');
    expect(fail('{"inputs": [{"b64": "a"}]}', { x: 'string' }).message).toBe('Unable to base64 decode');
    expect(single('{"inputs": [{"b64": "aG\\nk="}]}', 'string').data).toEqual(['hi']);
    // {"b64": 5} is not a b64 object: for a string input it is a badly formatted one.
    expect(fail('{"inputs": [{"b64": 5}]}', { x: 'string' }).message).toContain(
      'not formatted correctly for base64 data',
    );
  });
});

describe('readPredictInputs: row format (instances)', () => {
  it('batches elements and strips nothing', () => {
    const { format, tensors } = read('{"instances": [[1, 2], [3, 4], [5, 6]]}', { x: 'float' });
    expect(format).toBe('row');
    expect(tensors.get('x')!.shape).toEqual([3, 2]);
    expect(Array.from(tensors.get('x')!.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('takes scalars, b64 objects and named objects', () => {
    expect(read('{"instances": [1.0, 2.0, 5.0]}', { x: 'float' }).tensors.get('x')!.shape).toEqual([3]);
    expect(read('{"instances": [{"b64": "aGk="}]}', { x: 'string' }).tensors.get('x')!.data).toEqual(['hi']);
    const named = read('{"instances": [{"a": [1], "b": "s"}, {"b": "t", "a": [2]}]}', {
      a: 'int32',
      b: 'string',
    }).tensors;
    expect(named.get('a')!.shape).toEqual([2, 1]);
    expect(Array.from(named.get('a')!.data as Int32Array)).toEqual([1, 2]);
    expect(named.get('b')!.data).toEqual(['s', 't']);
    expect(read('{"instances": [{"x": 7}]}', { x: 'int64' }).tensors.get('x')!.data).toEqual(
      new BigInt64Array([7n]),
    );
  });

  it.each([
    [
      '{"instances": [1], "inputs": [1]}',
      { x: 'float' },
      "Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist ",
    ],
    [
      '{"instances": 5.0}',
      { x: 'float' },
      'JSON Value: {\n    "instances": 5.0\n} Excepting \'instances\' to be an list/array',
    ],
    ['{"instances": []}', { x: 'float' }, "No values in 'instances' array"],
    ['{"signature_name": "x"}', { x: 'float' }, "Missing 'inputs' or 'instances' key"],
    [
      '{"instances": [{"a": 1}]}',
      { a: 'int32', b: 'int32' },
      'Failed to process element: 0 of \'instances\' list. JSON object: {\n    "a": 1\n} keys must be equal to: a,b',
    ],
    [
      '{"instances": [{"a": 1, "b": 2, "z": 3}]}',
      { a: 'int32', b: 'int32' },
      "Failed to process element: 0 key: z of 'instances' list. Error: INVALID_ARGUMENT: JSON object: does not have named input: z",
    ],
    [
      '{"instances": [1, 2]}',
      { a: 'int32', b: 'int32' },
      'instances is a plain list, but expecting list of objects as multiple input tensors required as per tensorinfo_map',
    ],
    [
      '{"instances": [{"a": 1, "b": 2}, [1]]}',
      { a: 'int32', b: 'int32' },
      'Expecting object but got list at item 1 of input list',
    ],
    [
      '{"instances": [1, {"x": 2}]}',
      { x: 'int32' },
      'Expecting value/list but got object at item 1 of input list',
    ],
    [
      '{"instances": [[1, 2], [1, 2, 3]]}',
      { x: 'int32' },
      "Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: Expecting tensor size: 2 but got: 3",
    ],
    ['{"instances": [[1, 2], [[1, 2]]]}', { x: 'int32' }, 'Expecting shape [2] but got: [1,2]'],
    ['{"instances": [1, [1]]}', { x: 'int32' }, 'Expecting shape [] but got: [1]'],
    [
      '{"instances": [[1, 2], [1.5, 2]]}',
      { x: 'int32' },
      "Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: JSON Value: 1.5 Type: Number is not of expected type: int32",
    ],
    [
      '{"instances": [{"a": [1, 2], "b": 1}, {"a": [1], "b": 1}]}',
      { a: 'int32', b: 'int32' },
      "Failed to process element: 1 key: a of 'instances' list. Error: INVALID_ARGUMENT: Expecting tensor size: 2 but got: 1",
    ],
  ])('%j fails as TF Serving does', (body, inputs, message) => {
    const error = fail(body, inputs as Record<string, TfDtype>);
    expect(error.httpStatus).toBe(400);
    expect(error.message).toContain(message);
  });
});

describe('readPredictInputs: columnar format (inputs)', () => {
  it('converts bare values, lists and named objects; extra keys are ignored', () => {
    expect(single('{"inputs": 4.5}', 'float').shape).toEqual([]);
    expect(single('{"inputs": []}', 'float').shape).toEqual([0]);
    expect(single('{"inputs": {"b64": "aGk="}}', 'string').data).toEqual(['hi']);
    const { format, tensors } = read('{"inputs": {"a": [[1, 2]], "b": [1, 2, 3], "extra": 1}}', {
      a: 'int32',
      b: 'double',
    });
    expect(format).toBe('columnar');
    expect(tensors.get('a')!.shape).toEqual([1, 2]);
    expect(tensors.get('b')!.shape).toEqual([3]);
  });

  it.each([
    [
      '{"inputs": [1, 2]}',
      { a: 'int32', b: 'int32' },
      'inputs is a plain value/list, but expecting an object as multiple input tensors required as per tensorinfo_map',
    ],
    ['{"inputs": {"a": [1]}}', { a: 'int32', b: 'int32' }, "Missing named input: b in 'inputs' object."],
    [
      '{"inputs": [[1, 2], [3]]}',
      { x: 'int32' },
      'Encountered list at unexpected size: 1 at level: 1 expected size: 2',
    ],
    ['{"inputs": [1, [2]]}', { x: 'int32' }, 'Encountered list at unexpected level: 1 expected < 1'],
    ['{"inputs": [[1, "a"]]}', { x: 'float' }, 'JSON Value: "a" Type: String is not of expected type: float'],
    [
      '{"inputs": [[1.0, 2.0], 2.0]}',
      { x: 'float' },
      'JSON Value: 2.0 found at incorrect level: 2 in the JSON DOM. Expected at level: 2',
    ],
  ])('%j fails as TF Serving does', (body, inputs, message) => {
    expect(fail(body, inputs as Record<string, TfDtype>).message).toContain(message);
  });
});
