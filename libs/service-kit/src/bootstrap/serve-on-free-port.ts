import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogLevel } from '../config/service-env';
import { createRuntimeApp, ServiceDefinition, ServiceRuntime } from './run-service';

/** Where a test or a harness found the service: its app (close it to stop everything) and base URL. */
export interface ServedApp {
  app: NestFastifyApplication;
  url: string;
}

/**
 * A started runtime's HTTP app on a free port of 127.0.0.1, with tokens checked against `jwtSecret`
 * (for tests and harnesses that run several services in one process). Closing the app closes the runtime.
 */
export async function serveOnFreePort<R extends ServiceRuntime>(
  definition: ServiceDefinition<R>,
  runtime: R,
  settings: { databaseUrl: string; jwtSecret: string; logLevel?: LogLevel },
): Promise<ServedApp> {
  const app = await createRuntimeApp(definition, runtime, {
    serviceName: definition.serviceName,
    port: 0,
    databaseUrl: settings.databaseUrl,
    // the runtime is connected already; the HTTP app itself never talks to Kafka
    kafka: { brokers: [] },
    logLevel: settings.logLevel ?? ((process.env.TEST_LOG_LEVEL ?? 'silent') as LogLevel),
    auth: { jwtSecret: settings.jwtSecret },
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}` };
}
