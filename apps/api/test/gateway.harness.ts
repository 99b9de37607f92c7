import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  ServingRepository,
  ProjectRepository,
  UserRepository,
  type NewServingRow,
  type ProjectRole,
} from '@infergate/store';
import { PasswordHasher } from '@infergate/auth';
import request from 'supertest';
import type { AppConfig } from '../src/config/app-config';
import { loadConfig } from '../src/config/load-config';
import { createApp } from '../src/create-app';

export const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };
export const REPO_MODELS = resolve(__dirname, '../../../models');

export interface Gateway {
  readonly app: INestApplication;
  readonly config: AppConfig;
  readonly http: ReturnType<typeof request>;
  readonly dataDir: string;
  login(email?: string, password?: string): Promise<string>;
  addServing(serving: Partial<NewServingRow> & { name: string }): Promise<number>;
  addUser(email: string, password: string, projectRole?: ProjectRole): Promise<number>;
  close(): Promise<void>;
}

/** A gateway built by createApp (as main.ts does) on a fresh data dir; env overrides the defaults. */
export async function startGateway(env: Record<string, string> = {}): Promise<Gateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    MODEL_REPOSITORY: REPO_MODELS,
    LOG_LEVEL: 'error',
    LOG_LINGER_MS: '2',
    ...env,
  });
  const app = await createApp(config);
  const http = request(app.getHttpServer());
  return {
    app,
    config,
    http,
    dataDir,
    async login(email = ADMIN.email, password = ADMIN.password) {
      const response = await http
        .post('/hopsworks-api/api/auth/login')
        .type('form')
        .send({ email, password });
      if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
      return response.headers['authorization'] as string;
    },
    async addServing(serving) {
      const admin = await app.get(UserRepository).findByEmail(ADMIN.email);
      const row = await app.get(ServingRepository).create({
        project_id: 1,
        description: '',
        model_name: serving.name,
        model_version: 1,
        model_path: null,
        backend_kind: 'TENSORFLOW_SERVING',
        backend_endpoints: '[]',
        request_timeout_ms: null,
        kafka_topic: `${serving.name}-inf0000`,
        inference_logging: 'ALL',
        status: 'Running',
        creator_id: admin!.id,
        ...serving,
      });
      return row.id;
    },
    async addUser(email, password, projectRole) {
      const user = await app.get(UserRepository).create({
        email,
        first_name: 'T',
        last_name: 'User',
        password_hash: await app.get(PasswordHasher).hash(password),
        role: 'HOPS_USER',
        status: 'ACTIVATED',
      });
      if (projectRole) await app.get(ProjectRepository).setMember(1, user.id, projectRole);
      return user.id;
    },
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The seed's request: one 784-float MNIST image for the `predict_images` signature. */
export function seedRequestBody(seed = 1): string {
  const pixels = Array.from({ length: 784 }, (_, i) => (((i * 7919 + seed * 104729) % 256) / 255).toFixed(4));
  return `{"signature_name": "predict_images", "instances": [[${pixels.join(', ')}]]}`;
}
