import { Logger, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';

const LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  log: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
};

/** Builds the app exactly as main.ts runs it (tests call this too), without listening. */
export async function createApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    // Bodies are read by our own middlewares (raw bytes for inference, parsed for management).
    bodyParser: false,
    logger: LEVELS[config.logLevel],
    // Throw instead of process.exit(1): main.ts prints the cause, tests see the error.
    abortOnError: false,
  });
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('infergate')
      .setDescription(
        'Hopsworks-style inference API: TF Serving requests routed to serving backends, every pair logged as Avro',
      )
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  await app.init();
  new Logger('App').log(
    `log sink: ${config.kafka ? `kafka ${config.kafka.brokers.join(',')}` : `avro files in ${config.inferenceLog.directory}`}`,
  );
  return app;
}
