import { decodeInferenceLog } from '@infergate/inference-log-schema';
import { ServingRepository } from '@infergate/store';
import { consumeTopic, testBrokers } from '@infergate/testing';
import { InferenceLogService } from '../src/inference-log/inference-log.service';
import { seedRequestBody, startGateway, type Gateway } from './gateway.harness';

/**
 * The seed's client flow end to end on the real broker started by the test command: log in, predict on
 * the demo project's `mnist` serving (embedded ONNX backend, real model), then read the serving's topic
 * and decode the record with the schema lib.
 */
describe('seed flow: login → predict → Avro record in Kafka', () => {
  let gateway: Gateway;

  beforeAll(async () => {
    gateway = await startGateway({ KAFKA_BROKERS: testBrokers().join(',') });
  });
  afterAll(() => gateway?.close());

  it('logs the exact request/response pair as an inferencelog record on the serving topic', async () => {
    const token = await gateway.login();
    const serving = await gateway.app.get(ServingRepository).findByProjectAndName(1, 'mnist');
    expect(serving?.kafka_topic).toMatch(/^mnist-inf\d{4}$/);

    const body = seedRequestBody(7);
    const before = Date.now();
    const res = await gateway.http
      .post('/hopsworks-api/api/project/1/inference/models/mnist:predict')
      .set('authorization', token)
      .set('content-type', 'application/json')
      .send(body);
    const after = Date.now();
    expect(res.status).toBe(200);
    const scores: number[] = res.body.predictions[0];
    expect(scores).toHaveLength(10);
    expect(scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);

    await gateway.app.get(InferenceLogService).drained();
    const messages = await consumeTopic(serving!.kafka_topic!, 1);
    expect(messages).toHaveLength(1);
    expect(messages[0].key).toBeNull();
    const record = decodeInferenceLog(messages[0].value!);
    expect(record).toEqual({
      modelId: serving!.id,
      modelName: 'mnist',
      modelVersion: 1,
      requestTimestamp: expect.any(Number),
      responseHttpCode: 200,
      inferenceRequest: body,
      inferenceResponse: res.text,
    });
    expect(record.requestTimestamp).toBeGreaterThanOrEqual(before);
    expect(record.requestTimestamp).toBeLessThanOrEqual(after);
  });

  it('logs the URL version when one is given, and 4xx answers of the model server too', async () => {
    const token = await gateway.login();
    const serving = await gateway.app.get(ServingRepository).findByProjectAndName(1, 'mnist');
    const bad = '{"signature_name": "predict_images", "instances": [[1.0, 2.0]]}';
    const res = await gateway.http
      .post('/hopsworks-api/api/project/1/inference/models/mnist/versions/1:predict')
      .set('authorization', token)
      .set('content-type', 'application/json')
      .send(bad);
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe(250008);
    await gateway.app.get(InferenceLogService).drained();
    const records = (await consumeTopic(serving!.kafka_topic!, 2)).map((m) => decodeInferenceLog(m.value!));
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({ modelVersion: 1, responseHttpCode: 400, inferenceRequest: bad });
    expect(records[1].inferenceResponse).toBe(res.body.usrMsg);
  });
});
