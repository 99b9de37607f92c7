import 'reflect-metadata';
// Before anything that loads kafkajs: the sinks lib puts its kafkajs replacements into the module cache.
import '@infergate/inference-log-sinks';
import { Logger } from '@nestjs/common';
import { MemoryTrimmer } from '@infergate/process-memory';
import { loadConfig } from './config/load-config';
import { createApp } from './create-app';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.http.port, config.http.host);
  const trimmer = MemoryTrimmer.start({ minIntervalMs: config.memoryTrimIntervalMs });
  new Logger('App').log(
    `memory trim: ${trimmer instanceof MemoryTrimmer ? trimmer.describe() : trimmer.off}`,
  );
  new Logger('App').log(`listening on http://${config.http.host}:${config.http.port} (docs at /docs)`);
}

main().catch((error: unknown) => {
  // Config errors name the variables to fix; print them plainly rather than as a stack.
  console.error(error instanceof Error && error.name === 'ConfigError' ? error.message : error);
  process.exit(1);
});
