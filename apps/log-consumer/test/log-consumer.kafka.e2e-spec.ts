import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { TokenService } from '@infergate/auth';
import type { InferenceLogRecord } from '@infergate/inference-log-schema';
import { KafkaSink } from '@infergate/inference-log-sinks';
import { openStore, ProjectRepository, UserRepository } from '@infergate/store';
import { createTopics, testBrokers } from '@infergate/testing';
import { loadConsumerConfig } from '../src/config/consumer-config';
import { createConsumerApp } from '../src/create-consumer-app';

/**
 * The consumer app against the real broker: records written to a serving's topic (as the gateway's
 * Kafka sink writes them) are counted per serving in the store and served, with the gateway's auth.
 */
describe('log-consumer: Kafka inference logs → per-serving stats and tail over HTTP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'log-consumer-'));
  // Serving ids are unique per store; the shared test broker carries other tests' topics whose records
  // say modelId 1, 2..., so this serving gets an id nobody else uses.
  const servingId = 700_000 + Math.floor(Math.random() * 100_000);
  const topic = `stats${Date.now().toString(36)}-inf${String(Math.floor(Math.random() * 10000)).padStart(4, '0')}`;
  let app: INestApplication;
  let token: string;
  let outsiderToken: string;
  let projectId: number;
  const sink = new KafkaSink({ brokers: testBrokers() });

  const record = (n: number, status: number): InferenceLogRecord => ({
    modelId: servingId,
    modelName: 'statsmodel',
    modelVersion: 1,
    requestTimestamp: 1_764_000_000_000 + n,
    responseHttpCode: status,
    inferenceRequest: `{"instances":[[${n}]]}`,
    inferenceResponse: status === 200 ? '{"predictions":[[0.5]]}' : '{"error":"bad"}',
  });
  const records = [200, 200, 400, 200, 503, 200, 404].map((s, n) => record(n, s));

  beforeAll(async () => {
    const sqlitePath = join(dir, 'gateway.db');
    const db = await openStore({ sqlitePath });
    const users = new UserRepository(db);
    const user = await users.create({
      email: 'owner@example.com',
      first_name: 'O',
      last_name: 'W',
      password_hash: 'x',
      role: 'HOPS_USER',
      status: 'ACTIVATED',
    });
    const outsider = await users.create({
      email: 'outsider@example.com',
      first_name: 'O',
      last_name: 'U',
      password_hash: 'x',
      role: 'HOPS_USER',
      status: 'ACTIVATED',
    });
    const project = await new ProjectRepository(db).create('statsproject', '', user.id);
    projectId = project.id;
    await db
      .insertInto('servings')
      .values({
        id: servingId,
        project_id: project.id,
        name: 'statsmodel',
        description: '',
        model_name: 'statsmodel',
        model_version: 1,
        model_path: null,
        backend_kind: 'TENSORFLOW_SERVING',
        backend_endpoints: '[]',
        request_timeout_ms: null,
        kafka_topic: topic,
        inference_logging: 'ALL',
        status: 'Running',
        creator_id: user.id,
        created_at: Date.now(),
        batching_configuration: null,
        deployed_at: null,
        revision: null,
        kafka_num_partitions: null,
        kafka_num_replicas: null,
      })
      .execute();
    await db.destroy();

    await createTopics(topic);
    const destination = { servingId, servingName: 'statsmodel', topic };
    await sink.write(records.map((r) => ({ destination, record: r })));

    app = await createConsumerApp(
      loadConsumerConfig({
        DATA_DIR: dir,
        KAFKA_BROKERS: testBrokers().join(','),
        KAFKA_GROUP_ID: `log-consumer-test-${Date.now()}`,
        STATS_FLUSH_MS: '50',
        LOG_LEVEL: 'error',
      }),
    );
    const tokens = app.get(TokenService);
    token = `Bearer ${tokens.issue({ userId: user.id, email: user.email, roles: ['HOPS_USER'] })}`;
    outsiderToken = `Bearer ${tokens.issue({ userId: outsider.id, email: outsider.email, roles: ['HOPS_USER'] })}`;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, auth = token) =>
    request(app.getHttpServer())
      .get(`/hopsworks-api/api/project/${projectId}/serving/${servingId}${path}`)
      .set('authorization', auth);

  it('counts every record of the serving by status class, with sizes and last seen, in the store', async () => {
    let body: { requests: number } = { requests: 0 };
    for (let i = 0; i < 200 && body.requests < records.length; i++) {
      body = (await get('/stats')).body;
      if (body.requests < records.length) await new Promise((r) => setTimeout(r, 100));
    }
    const bytes = (f: 'inferenceRequest' | 'inferenceResponse') =>
      records.reduce((n, r) => n + Buffer.byteLength(r[f]), 0);
    expect(body).toEqual({
      servingId,
      modelName: 'statsmodel',
      requests: 7,
      status: { '1xx': 0, '2xx': 4, '3xx': 0, '4xx': 2, '5xx': 1 },
      requestBytes: bytes('inferenceRequest'),
      responseBytes: bytes('inferenceResponse'),
      firstSeen: records[0]!.requestTimestamp,
      lastSeen: records[6]!.requestTimestamp,
    });
  });

  it('serves the last N decoded records', async () => {
    const res = await get('/logs?tail=3');
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(3);
    expect(res.body.items).toEqual(
      records.slice(4).map((r, i) => ({ ...r, topic, partition: 0, offset: String(4 + i) })),
    );
  });

  it('answers with the gateway auth and its error body', async () => {
    expect((await get('/stats', '')).body).toEqual({
      errorCode: 200003,
      errorMsg: 'Authorization header not set.',
      usrMsg: 'Authorization header not set.',
    });
    expect((await get('/stats', 'Bearer forged.token.here')).status).toBe(401);
    const outsider = await get('/stats', outsiderToken);
    expect(outsider.status).toBe(403);
    expect(outsider.body.errorCode).toBe(160000);
    const other = await request(app.getHttpServer())
      .get(`/hopsworks-api/api/project/${projectId}/serving/${servingId + 1}/stats`)
      .set('authorization', token);
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ errorCode: 240000, errorMsg: 'Serving instance not found' });
    expect((await get('/logs?tail=0')).status).toBe(422);
  });
});
