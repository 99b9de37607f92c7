import { ModelServer, describeNativeJson, useNativeJson } from '@infergate/model-server-core';
import { MemoryTrimmer } from '@infergate/process-memory';
import { ConfigError, loadModelServerConfig } from './config/model-server.config';
import { RestHttpServer } from './http/rest-http-server';

const logger = {
  log: (message: string) => console.log(`[model-server] ${message}`),
  warn: (message: string) => console.warn(`[model-server] ${message}`),
};

async function main(): Promise<void> {
  let config;
  try {
    config = loadModelServerConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`[model-server] ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  useNativeJson(config.nativeJson);
  const modelServer = await ModelServer.open({
    repositoryDir: config.modelRepository,
    pollIntervalMs: config.pollIntervalMs,
    intraOpNumThreads: config.intraOpThreads,
    maxBodyBytes: config.maxBodyBytes,
    inferenceThread: config.inferenceThread,
    inlineMaxRunUs: config.inlineMaxRunUs,
    requestTimeoutMs: config.requestTimeoutMs,
    logger,
  });
  const http = new RestHttpServer(modelServer, config.maxBodyBytes);
  const port = await http.listen(config.restPort, config.host);
  logger.log(
    `serving ${modelServer.modelNames().join(', ') || 'no models'} from ${config.modelRepository} (inference thread: ${config.inferenceThread}, native JSON: ${describeNativeJson()})`,
  );
  const trimmer = MemoryTrimmer.start({ minIntervalMs: config.memoryTrimIntervalMs });
  logger.log(`memory trim: ${trimmer instanceof MemoryTrimmer ? trimmer.describe() : trimmer.off}`);
  // Same wording as TF Serving's startup line, which scripts wait for.
  logger.log(`Exporting HTTP/REST API at:${config.host}:${port} ...`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.log(`${signal}: finishing requests in flight`);
    http
      .close()
      .then(() => modelServer.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.warn(`shutdown failed: ${String(error)}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('[model-server] failed to start:', error);
  process.exit(1);
});
