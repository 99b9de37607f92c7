import { randomBytes, randomInt } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { PasswordHasher } from '@infergate/auth';
import { ProjectRepository, ServingRepository, UserRepository, isUniqueViolation } from '@infergate/store';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/**
 * First start on an empty data dir: an admin user, project `demo` (id 1) with the admin as Data owner,
 * and a running serving `mnist` on the embedded ONNX backend, logging to topic `mnist-inf<4 digits>`
 * (the name Hopsworks gives a topic created with "CREATE").
 */
@Injectable()
export class SeedService {
  private readonly logger = new Logger('Seed');

  constructor(
    private readonly users: UserRepository,
    private readonly projects: ProjectRepository,
    private readonly servings: ServingRepository,
    private readonly hasher: PasswordHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async seedIfEmpty(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    const password = this.config.admin.password ?? randomBytes(12).toString('base64url');
    let admin;
    try {
      admin = await this.users.create({
        email: this.config.admin.email,
        first_name: 'Admin',
        last_name: 'Admin',
        password_hash: await this.hasher.hash(password),
        role: 'HOPS_ADMIN',
        status: 'ACTIVATED',
      });
    } catch (error) {
      // Replicas started together on an empty shared database: the first insert of the admin wins and
      // that replica seeds the rest; the others find the admin taken and leave the seed to it.
      if (!isUniqueViolation(error)) throw error;
      this.logger.log('another replica is seeding the empty database');
      return;
    }
    const project = await this.projects.create('demo', 'Demo project', admin.id);
    const serving = await this.servings.create({
      project_id: project.id,
      name: 'mnist',
      description: 'MNIST digits (softmax over 10 classes) on the embedded ONNX backend',
      model_name: 'mnist',
      model_version: 1,
      model_path: null,
      backend_kind: 'ONNX',
      backend_endpoints: '[]',
      request_timeout_ms: null,
      kafka_topic: `mnist-inf${String(randomInt(10000)).padStart(4, '0')}`,
      inference_logging: 'ALL',
      status: 'Running',
      creator_id: admin.id,
    });
    this.logger.log(
      `first start: created admin ${admin.email}${this.config.admin.password ? '' : ` with generated password ${password} (shown once)`}, project demo (id ${project.id}), serving mnist (id ${serving.id}, topic ${serving.kafka_topic})`,
    );
  }
}
