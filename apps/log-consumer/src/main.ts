import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConsumerConfig } from './config/consumer-config';
import { createConsumerApp } from './create-consumer-app';

async function main(): Promise<void> {
  const config = loadConsumerConfig();
  const app = await createConsumerApp(config);
  await app.listen(config.http.port, config.http.host);
  new Logger('LogConsumer').log(
    `consuming inference-log topics from ${config.kafka.brokers.join(',')}; stats on http://${config.http.host}:${config.http.port}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error && error.name === 'ConfigError' ? error.message : error);
  process.exit(1);
});
