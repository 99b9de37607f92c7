import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectRepository, ServingRepository, UserRepository } from '@infergate/store';
import { loadConfig } from '../src/config/load-config';
import { createApp } from '../src/create-app';
import { REPO_MODELS } from './gateway.harness';

describe('first start', () => {
  it('seeds admin, project demo and serving mnist once, even when two replicas start together', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'seed-'));
    const config = loadConfig({
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: 'seed-password-1',
      MODEL_REPOSITORY: REPO_MODELS,
      LOG_LEVEL: 'error',
    });
    const [a, b] = await Promise.all([createApp(config), createApp(config)]);
    try {
      expect(await a.get(UserRepository).count()).toBe(1);
      const project = await a.get(ProjectRepository).findById(1);
      expect(project?.name).toBe('demo');
      const servings = await b.get(ServingRepository).listByProject(1);
      expect(servings.map((s) => [s.name, s.backend_kind, s.status])).toEqual([['mnist', 'ONNX', 'Running']]);
      expect(servings[0].kafka_topic).toMatch(/^mnist-inf\d{4}$/);
    } finally {
      await Promise.all([a.close(), b.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
