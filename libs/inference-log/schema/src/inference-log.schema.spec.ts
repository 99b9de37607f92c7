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
