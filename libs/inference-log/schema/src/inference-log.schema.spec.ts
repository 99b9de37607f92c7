import avro from 'avsc';
import type { InferenceLogRecord } from './inference-log.record';
import {
  decodeInferenceLog,
  encodeInferenceLog,
  inferenceLogType,
  inferenceSchemaText,
} from './inference-log.schema';

const record: InferenceLogRecord = {
  modelId: 7,
  modelName: 'mnist',
  modelVersion: 1,
  requestTimestamp: 1_764_230_400_123,
  responseHttpCode: 200,
  inferenceRequest: '{"signature_name":"predict_images","instances":[[0.0,1.5]]}',
  inferenceResponse: '{\n    "predictions": [NaN, Infinity]\n}',
};

describe('inferencelog schema', () => {
  it('v1 has the seed fields, types and order exactly', () => {
    const schema = JSON.parse(inferenceSchemaText(1));
    expect(schema.name).toBe('inferencelog');
    expect(schema.fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`)).toEqual([
      'modelId:int',
      'modelName:string',
      'modelVersion:int',
      'requestTimestamp:long',
      'responseHttpCode:int',
      'inferenceRequest:string',
      'inferenceResponse:string',
    ]);
  });

  it('v2 and v3 extend v1 with the reference fields', () => {
    const names = (v: 2 | 3) =>
      JSON.parse(inferenceSchemaText(v)).fields.map((f: { name: string }) => f.name);
    expect(names(2).slice(7)).toEqual(['servingType']);
    expect(names(3).slice(7)).toEqual(['modelServer', 'servingTool']);
  });

  it('round-trips a record through plain Avro binary', () => {
    const bytes = encodeInferenceLog(record);
    expect(decodeInferenceLog(bytes)).toEqual(record);
  });

  it('writes no Confluent framing: the first byte is the zig-zag varint of modelId', () => {
    const bytes = encodeInferenceLog(record);
    expect(bytes[0]).toBe(14); // zig-zag(7) = 14; a Confluent frame would start with magic byte 0
    // and is byte-identical to a generic Avro writer given the same schema
    const generic = avro.Type.forSchema(JSON.parse(inferenceSchemaText(1))).toBuffer(record);
    expect(bytes.equals(generic)).toBe(true);
  });

  it('writes the bytes avsc writes, for 5000 random records', () => {
    let seed = 9;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const text = (max: number) =>
      Array.from(
        { length: next(max) },
        () => ['a', '{', '"', '0.5, ', 'é', '€', '😀', '\u0000', '\n', ' '][next(10)],
      ).join('');
    const ints = [0, 1, -1, 63, 64, -64, -65, 8191, 8192, 2 ** 31 - 1, -(2 ** 31), 404, 500];
    const longs = [0, 1, -1, 1_764_000_000_000, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 35, -(2 ** 40)];
    const type = inferenceLogType(1);
    for (let i = 0; i < 5000; i++) {
      const r: InferenceLogRecord = {
        modelId: ints[next(ints.length)],
        modelName: text(20),
        modelVersion: ints[next(ints.length)],
        requestTimestamp: longs[next(longs.length)] + next(1000),
        responseHttpCode: ints[next(ints.length)],
        inferenceRequest: text(next(10) === 0 ? 3000 : 80),
        inferenceResponse: text(200),
      };
      if (!Number.isSafeInteger(r.requestTimestamp)) r.requestTimestamp = 0;
      const expected = type.toBuffer(r);
      expect(encodeInferenceLog(r).equals(expected)).toBe(true);
      // The bodies given as their UTF-8 bytes (a Buffer, a plain Uint8Array view) encode the same.
      const bytes = Buffer.from(`..${r.inferenceResponse}`);
      const asBytes = {
        ...r,
        inferenceRequest: Buffer.from(r.inferenceRequest),
        inferenceResponse: new Uint8Array(bytes.buffer, bytes.byteOffset + 2, bytes.length - 2),
      };
      expect(encodeInferenceLog(asBytes).equals(expected)).toBe(true);
    }
  });

  it('writes model names as avsc does past the name cache: long names, and more names than it keeps', () => {
    const type = inferenceLogType(1);
    const names = ['é'.repeat(255), '€'.repeat(256), 'a'.repeat(5000)];
    for (let i = 0; i < 1200; i++) names.push(`model-${i}-😀`);
    for (const modelName of [...names, ...names.slice(0, 5)]) {
      const r = { ...record, modelName };
      expect(encodeInferenceLog(r).equals(type.toBuffer(r))).toBe(true);
    }
  });

  it('sends a record with bytes through avsc as text when another field is not plain', () => {
    const odd = { ...record, modelVersion: 1.5, inferenceRequest: Buffer.from('{"a": "é"}') };
    expect(() => encodeInferenceLog(odd)).toThrow(/1\.5/);
  });

  it('keeps millisecond timestamps exact', () => {
    const decoded = decodeInferenceLog(encodeInferenceLog({ ...record, requestTimestamp: 2 ** 52 + 1 }));
    expect(decoded.requestTimestamp).toBe(2 ** 52 + 1);
  });

  it('rejects a record with a missing or mistyped field', () => {
    expect(() => encodeInferenceLog({ ...record, modelVersion: 1.5 })).toThrow();
    const { modelName: _omitted, ...partial } = record;
    expect(() => encodeInferenceLog(partial as InferenceLogRecord)).toThrow();
  });

  it('refuses bytes written with a longer schema', () => {
    const v3 = inferenceLogType(3).toBuffer({
      ...record,
      modelServer: 'TENSORFLOW_SERVING',
      servingTool: 'DEFAULT',
    });
    expect(() => decodeInferenceLog(v3)).toThrow();
    expect(decodeInferenceLog(v3, 3).servingTool).toBe('DEFAULT');
  });
});
