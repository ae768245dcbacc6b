import { DynamicModule, Module, OnApplicationShutdown, Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { kafkaProbe } from '@support/messaging';
import { ConfigError } from '../config/config.error';
import { loadServiceConfig, ServiceConfig } from '../config/service-config';
import { DeadLetterQueue, DeadLettersModule } from '../dead-letters/dead-letters.module';
import { CONSUMER_GROUPS } from '../health/readiness-probe';
import { postgresProbe } from '../health/postgres.probe';
import { IdempotentAnswers } from '../http/idempotency-key.interceptor';
import { logBackgroundErrors } from '../logging/background-errors';
import { createLogger, flushLogs } from '../logging/create-logger';
import { OpenApiOptions } from '../openapi/setup-openapi';
import { PlatformRuntime, runtimeProvidersModule } from '../platform/start-platform';
import { RuntimeSettings } from '../platform/platform.tokens';
import { shutdownTracing } from '../tracing/tracing-state';
import { createServiceApp, listen } from './create-service-app';
import { ServiceKitModule } from './service-kit.module';

/** What a service's runtime (pool, relay, consumers) must offer: a way to close it, and its consumers' dead letters. */
export interface ServiceRuntime {
  close(): Promise<void>;
  /** the service's consumer groups, whose parked events `/v1/dead-letters` shows and replays, and whose joining `/health/ready` reports */
  deadLetters?: readonly (DeadLetterQueue & { readonly joined: boolean })[];
  /** where first answers by Idempotency-Key are kept: with it, every POST honours the header ({@link IdempotencyKeyInterceptor}) */
  idempotentAnswers?: IdempotentAnswers;
}

/** A runtime started on the support platform (`startPlatform`): its HTTP app injects from its context. */
export type PlatformServiceRuntime = ServiceRuntime & Partial<Pick<PlatformRuntime, 'context' | 'provided' | 'dataSource' | 'kafka'>>;

/** Everything that differs between services' start-up. */
export interface ServiceDefinition<R extends ServiceRuntime> {
  serviceName: string;
  /** default port (API.md) */
  port: number;
  /** default schema; SERVICE_SCHEMA overrides it (benchmarks, side-by-side runs) */
  schema: string;
  startRuntime(settings: RuntimeSettings, onError: (error: unknown) => void): Promise<R>;
  /** the HTTP app's controllers, which inject what the runtime provides (a runtime of `startPlatform`) */
  controllers: Type<unknown>[];
  openApi: OpenApiOptions;
  bodyLimit?: string;
}

/** The service's HTTP app over a started runtime; closing the app drains HTTP first, then the runtime. */
export async function createRuntimeApp<R extends ServiceRuntime>(definition: ServiceDefinition<R>, runtime: R, config: ServiceConfig): Promise<NestFastifyApplication> {
  return createServiceApp(applicationModule(definition, runtime, config), config, {
    bodyLimit: definition.bodyLimit,
    openApi: definition.openApi,
    idempotentAnswers: runtime.idempotentAnswers,
  });
}

/** Everything a service's app serves: its root module, and what every runtime brings (dead letters, closing last). */
export function applicationModule<R extends ServiceRuntime>(definition: ServiceDefinition<R>, runtime: R, config: ServiceConfig): DynamicModule {
  return withRuntimeShutdown(httpModule(definition.controllers, runtime as PlatformServiceRuntime, config), runtime);
}

@Module({})
class ServiceHttpModule {}

/** the kit (guards, health with PostgreSQL and Kafka probes, metrics), the controllers, and what the runtime provides */
function httpModule(controllers: Type<unknown>[], runtime: PlatformServiceRuntime, config: ServiceConfig): DynamicModule {
  return {
    module: ServiceHttpModule,
    imports: [ServiceKitModule.forRoot({ config, readiness: { probes: [postgresProbe(runtime.dataSource!), kafkaProbe(runtime.kafka!)] } }), runtimeProvidersModule(runtime)],
    controllers,
  };
}

/**
 * Closes the runtime (consumers, relay, pool) in Nest's last shutdown hook, after the HTTP server has
 * drained: on `app.close()` and on SIGTERM/SIGINT alike (enableShutdownHooks runs the same hooks), then
 * exports the spans tracing holds and writes out the logs (on a signal the process ends right after this hook).
 */
function withRuntimeShutdown(rootModule: DynamicModule, runtime: ServiceRuntime): DynamicModule {
  const closer: OnApplicationShutdown = { onApplicationShutdown: () => runtime.close().finally(shutdownTracing).finally(flushLogs) };
  return {
    module: RuntimeLifecycleModule,
    // global: the health controller, deep in the root module, reports the consumer groups
    global: true,
    imports: [rootModule, DeadLettersModule.register(runtime.deadLetters ?? [])],
    providers: [
      { provide: RUNTIME_CLOSER, useValue: closer },
      { provide: CONSUMER_GROUPS, useValue: runtime.deadLetters ?? [] },
    ],
    exports: [CONSUMER_GROUPS],
  };
}

const RUNTIME_CLOSER = Symbol('RuntimeCloser');

@Module({})
class RuntimeLifecycleModule {}

/**
 * A service's main: configuration, runtime, HTTP, listen; a configuration error exits 1 with its message.
 * The consumer groups join in the background, so HTTP is served as soon as PostgreSQL and Kafka answer.
 */
export async function runService<R extends ServiceRuntime>(definition: ServiceDefinition<R>): Promise<void> {
  let config: ServiceConfig;
  try {
    config = loadServiceConfig(process.env, { serviceName: definition.serviceName, port: definition.port });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger(definition.serviceName, config.logLevel);
  try {
    const runtime = await definition.startRuntime(
      {
        databaseUrl: config.databaseUrl,
        kafka: config.kafka,
        schema: process.env.SERVICE_SCHEMA || definition.schema,
        joinConsumersInBackground: true,
        idempotencyKeyTtlSeconds: config.idempotencyKeyTtlSeconds,
      },
      // a failure retried until it passes (a deadlock, a version conflict) is worth a warning, not an alarm
      logBackgroundErrors(logger),
    );
    const app = await createRuntimeApp(definition, runtime, config);
    await listen(app, config);
    logger.info({ port: config.port, opsPort: config.opsPort }, `${definition.serviceName} listening`);
  } catch (error) {
    logger.fatal({ err: error }, `${definition.serviceName} failed to start`);
    process.exit(1);
  }
}
