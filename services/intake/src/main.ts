import 'reflect-metadata';
import { ConfigError, createLogger, loadServiceConfig } from '@support/service-kit';
import { createIntakeApp } from './intake.app';
import { SERVICE_NAME, startIntakeRuntime } from './intake.providers';
import { INTAKE_SCHEMA } from './persistence/intake.migrations';

async function main(): Promise<void> {
  let config;
  try {
    config = loadServiceConfig(process.env, { serviceName: SERVICE_NAME, port: 3001 });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger(SERVICE_NAME, config.logLevel);
  const runtime = await startIntakeRuntime(
    // SERVICE_SCHEMA lets benchmarks and side-by-side runs keep their rows apart
    { databaseUrl: config.databaseUrl, kafkaBrokers: config.kafkaBrokers, schema: process.env.SERVICE_SCHEMA || INTAKE_SCHEMA },
    (error) => logger.error({ err: error }, 'outbox relay error'),
  );
  const app = await createIntakeApp(runtime, config);
  await app.listen(config.port);
  logger.info({ port: config.port }, 'intake listening');
}

main().catch((error) => {
  process.stderr.write(`intake failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
