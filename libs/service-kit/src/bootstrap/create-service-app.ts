import { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'pino';
import { ConfigError } from '../config/config.error';
import { loadServiceConfig, ServiceConfig, ServiceDefaults } from '../config/service-config';
import { HttpErrorFilter } from '../errors/http-error.filter';
import { createValidationPipe } from '../errors/validation.pipe';
import { checkCorrelationIds } from '../http/correlation-id';
import { IdempotentAnswers } from '../http/idempotency-key.interceptor';
import { bytesOf } from '../http/json-body';
import { answerNotModified } from '../http/not-modified';
import { attachRouteInterceptors } from '../http/route-interceptors';
import { guardOperatorsPort, listenForOperators } from '../http/operators-port';
import { ServiceHttpAdapter } from '../http/service-http-adapter';
import { traceRequests } from '../http/traced-requests';
import { createLogger } from '../logging/create-logger';
import { PinoLoggerService } from '../logging/pino-logger.service';
import { bindRequestContext } from '../logging/request-context';
import { logRequests } from '../logging/request-logging';
import { observeHttpRequests } from '../metrics/http-metrics';
import { collectProcessMetrics } from '../metrics/metrics.registry';
import { OpenApiOptions, setupOpenApi } from '../openapi/setup-openapi';
import { addSecurityHeaders } from '../security/security-headers';

/** A root module, plain or dynamic. */
export type RootModule = Type<unknown> | DynamicModule;

/** Knobs of {@link createServiceApp}. */
export interface ServiceAppOptions {
  /** Largest JSON body accepted (bytes or a `bytes` string); default `64kb`, larger gets 413. */
  bodyLimit?: number | string;
  /** The OpenAPI page; default title = service name, version 1.0. `false` serves none. */
  openApi?: OpenApiOptions | false;
  /** Root logger; default `createLogger(config.serviceName, config.logLevel)`. */
  logger?: Logger;
  /** Where first answers by Idempotency-Key are kept: with it, every POST honours the header. */
  idempotentAnswers?: IdempotentAnswers;
}

/** Default JSON body limit. */
export const DEFAULT_BODY_LIMIT = '64kb';

/**
 * Creates the Nest app of a service, on fastify, with the kit's logger, security headers, JSON body limit,
 * validation pipe, error filter, ETag / If-Match contract, Idempotency-Key on every POST (given where
 * answers are kept), request logging, metrics, OpenAPI and shutdown hooks. The root module must import `ServiceKitModule.forRoot(...)` (guards, health,
 * metrics). Not listening yet.
 */
export async function createServiceApp(rootModule: RootModule, config: ServiceConfig, options: ServiceAppOptions = {}): Promise<NestFastifyApplication> {
  const logger = options.logger ?? createLogger(config.serviceName, config.logLevel);
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, new ServiceHttpAdapter(bytesOf(options.bodyLimit ?? DEFAULT_BODY_LIMIT)), {
    logger: new PinoLoggerService(logger),
    // the adapter parses JSON bodies itself, with its limit and the kit's answers
    bodyParser: false,
    // throw instead of process.abort(), so a failing start is reported (and tests survive it)
    abortOnError: false,
  });
  return configureServiceApp(app, config, { ...options, logger });
}

/**
 * Applies the kit's HTTP plumbing to an app created elsewhere (e.g. from a `TestingModule`) on a
 * {@link ServiceHttpAdapter} with `bodyParser: false`. Call before `init()` / `listen()`.
 */
export function configureServiceApp(app: NestFastifyApplication, config: ServiceConfig, options: ServiceAppOptions = {}): NestFastifyApplication {
  const logger = options.logger ?? createLogger(config.serviceName, config.logLevel);
  collectProcessMetrics();
  const fastify = app.getHttpAdapter().getInstance();
  // fastify hooks run in the order added, before Nest's route handler (guards, interceptors), and on
  // 404s and body errors too: log and time every request, then the headers every answer carries
  logRequests(fastify, logger);
  // every line logged while a request is handled names it (request id, correlation id)
  bindRequestContext(fastify);
  // with tracing on, a server span per request, named by route
  traceRequests(fastify);
  observeHttpRequests(fastify);
  addSecurityHeaders(fastify);
  // /metrics and /docs on the operators' port only, when the service has one
  guardOperatorsPort(fastify, config.opsPort);
  // kept forever in the events' metadata: checked before anything reads it
  checkCorrelationIds(fastify);
  // no ETag of fastify's own (it has none without @fastify/etag): versioned routes set a strong
  // `"<version>"` themselves (ConcurrencyInterceptor), which If-Match can take back
  attachRouteInterceptors(app, options.idempotentAnswers);
  answerNotModified(fastify);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  if (options.openApi !== false) {
    setupOpenApi(app, { ...(options.openApi ?? { title: config.serviceName, version: '1.0' }), idempotencyKeyOnEveryPost: options.idempotentAnswers !== undefined });
  }
  app.enableShutdownHooks();
  return app;
}

/**
 * A service's `main.ts` in one call: loads the configuration (from `defaults`, or with `load` for
 * a service with variables of its own; on a {@link ConfigError} prints it and exits 1), builds
 * the root module from it, creates the app and listens on `PORT`.
 */
export async function bootstrapService<C extends ServiceConfig = ServiceConfig>(
  buildRootModule: (config: C) => RootModule,
  defaultsOrLoad: ServiceDefaults | (() => C),
  options: ServiceAppOptions = {},
): Promise<NestFastifyApplication> {
  let config: C;
  try {
    config = typeof defaultsOrLoad === 'function' ? defaultsOrLoad() : (loadServiceConfig(process.env, defaultsOrLoad) as C);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // a config error is the operator's to fix: the message, not a stack trace
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  const logger = options.logger ?? createLogger(config.serviceName, config.logLevel);
  const app = await createServiceApp(buildRootModule(config), config, { ...options, logger });
  await listen(app, config);
  logger.info({ port: config.port, opsPort: config.opsPort }, `${config.serviceName} listening`);
  return app;
}

// every interface, IPv6 and IPv4, as Node's own `listen(port)` does (fastify alone would take localhost only)
const ALL_INTERFACES = '::';

/** Listens on `PORT` on every interface, and on `OPS_PORT` for operators when the service has one. */
export async function listen(app: NestFastifyApplication, config: Pick<ServiceConfig, 'port' | 'opsPort'>): Promise<void> {
  await app.listen(config.port, ALL_INTERFACES);
  if (config.opsPort !== undefined) await listenForOperators(app, config.opsPort);
}
