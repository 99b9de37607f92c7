import { decodeInferenceLog, encodeInferenceLog } from '@infergate/inference-log-schema';
import type { InferenceLogEntry, InferenceLogWriter } from '@infergate/inference-log-sinks';
import type { ServingRow } from '@infergate/store';
import { InferenceLogService } from './inference-log.service';

function capture(): { writer: InferenceLogWriter; entries: InferenceLogEntry[] } {
  const entries: InferenceLogEntry[] = [];
  const writer = {
    enqueue: (entry: InferenceLogEntry) => entries.push(entry) > 0,
  } as unknown as InferenceLogWriter;
  return { writer, entries };
}

const serving = (mode: string) =>
  ({ id: 7, name: 'mnist', kafka_topic: 'mnist-inf7', inference_logging: mode }) as unknown as ServingRow;

describe('InferenceLogService', () => {
  it('logs valid UTF-8 bodies as their bytes, and the record decodes to the same text', () => {
    const { writer, entries } = capture();
    const request = Buffer.from('{"instances": ["café", "😀"]}');
    const response = new Uint8Array(Buffer.from('{"predictions": [0.5]}'));
    new InferenceLogService(writer).record(serving('ALL'), 3, request, 200, response);
    const { record } = entries[0]!;
    expect(record.inferenceRequest).toBe(request);
    expect(record.inferenceResponse).toBe(response);
    expect(decodeInferenceLog(encodeInferenceLog(record))).toMatchObject({
      modelId: 7,
      modelName: 'mnist',
      modelVersion: 3,
      responseHttpCode: 200,
      inferenceRequest: '{"instances": ["café", "😀"]}',
      inferenceResponse: '{"predictions": [0.5]}',
    });
  });

  it('logs invalid UTF-8 as before: decoded, each invalid sequence replaced by U+FFFD', () => {
    const { writer, entries } = capture();
    const request = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    new InferenceLogService(writer).record(serving('ALL'), 1, request, 400, Buffer.from([0xc3]));
    expect(entries[0]!.record.inferenceRequest).toBe('{\ufffd\ufffd}');
    expect(entries[0]!.record.inferenceResponse).toBe('\ufffd');
  });

  it('blanks one side for PREDICTIONS / MODEL_INPUTS and logs nothing without a topic', () => {
    const { writer, entries } = capture();
    const service = new InferenceLogService(writer);
    service.record(serving('PREDICTIONS'), 1, Buffer.from('in'), 200, Buffer.from('out'));
    service.record(serving('MODEL_INPUTS'), 1, Buffer.from('in'), 200, Buffer.from('out'));
    service.record({ ...serving('ALL'), kafka_topic: null }, 1, Buffer.from('in'), 200, Buffer.from('out'));
    expect(entries.map((e) => [e.record.inferenceRequest, e.record.inferenceResponse])).toEqual([
      ['', Buffer.from('out')],
      [Buffer.from('in'), ''],
    ]);
  });
});
