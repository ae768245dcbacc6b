import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { onSendHookHandler } from 'fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ParameterObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { INestApplication, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY } from '../auth/public.decorator';
import { IF_MATCH_KEY, IfMatchRule, VERSIONED_READ_KEY } from '../http/concurrency.decorators';
import { AS_OF_READ_KEY } from '../http/as-of';
import { IDEMPOTENCY_KEY_HEADER, STORES_IDEMPOTENCY_KEY } from '../http/idempotency-key.decorators';
import { declaredRoutes, operationIdOf } from '../http/routes';
import { isDocsPath } from '../security/security-headers';
import { completeOperations, RouteFacts } from './complete-operations';

/** What the OpenAPI page says about the service. */
export interface OpenApiOptions {
  title: string;
  version: string;
  description?: string;
  /** every POST honours Idempotency-Key (the kit's interceptor is on): list the header on each (set by the kit) */
  idempotencyKeyOnEveryPost?: boolean;
}

/** Name of the bearer scheme in the document; use it with `@ApiBearerAuth(BEARER_AUTH)` if needed. */
export const BEARER_AUTH = 'bearer';

/** Serves Swagger UI at `/docs` and the document at `/docs/openapi.json`, with JWT bearer auth declared. */
export function setupOpenApi(app: NestFastifyApplication, options: OpenApiOptions): OpenAPIObject {
  const document = buildOpenApiDocument(app, options);
  // before Swagger adds its routes, so they get it
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      if (isDocsPath(route.url)) route.onSend = [...[route.onSend ?? []].flat(), withUtf8Charset];
    });
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    raw: ['json'],
    swaggerOptions: { persistAuthorization: true },
  });
  return document;
}

/**
 * The document `/docs/openapi.json` serves, built from the app's controllers alone (its modules created,
 * not yet initialised): what generates the typed client (test/api-client) without a running service.
 */
export function buildOpenApiDocument(app: INestApplication, options: OpenApiOptions): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(options.title)
    .setVersion(options.version)
    .setDescription(options.description ?? '')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_AUTH)
    .addSecurityRequirements(BEARER_AUTH)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  if (options.idempotencyKeyOnEveryPost) listIdempotencyKeyOnEveryPost(document);
  const facts = routeFacts(app);
  completeOperations(document, (operationId) => facts.get(operationId));
  return document;
}

// the interceptor is not a decorator Swagger could read: the routes that store the key themselves list it already
function listIdempotencyKeyOnEveryPost(document: OpenAPIObject): void {
  for (const path of Object.values(document.paths)) {
    const parameters = (path.post ? (path.post.parameters ??= []) : undefined) as ParameterObject[] | undefined;
    if (!parameters || parameters.some((p) => p.in === 'header' && p.name === IDEMPOTENCY_KEY_HEADER.name)) continue;
    parameters.push({ in: 'header', ...IDEMPOTENCY_KEY_HEADER, schema: { type: 'string' } });
  }
}

const METHODS: Partial<Record<RequestMethod, RouteFacts['method']>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.DELETE]: 'delete',
};

// what each route's decorators say, by its operation id
function routeFacts(app: INestApplication): Map<string, RouteFacts> {
  const reflector = new Reflector();
  const facts = new Map<string, RouteFacts>();
  for (const route of declaredRoutes(app)) {
    const method = METHODS[route.method];
    if (!method) continue;
    const targets = [route.handler, route.controller];
    const ifMatch = reflector.getAllAndOverride<IfMatchRule | undefined>(IF_MATCH_KEY, targets);
    facts.set(operationIdOf(route), {
      method,
      isPublic: reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) === true,
      ...(ifMatch ? { ifMatch } : {}),
      versionedRead: method === 'get' && reflector.getAllAndOverride(VERSIONED_READ_KEY, targets) !== undefined,
      asOfRead: method === 'get' && reflector.getAllAndOverride<boolean>(AS_OF_READ_KEY, targets) === true,
      creates: method === 'post' && reflector.getAllAndOverride<boolean>(STORES_IDEMPOTENCY_KEY, targets) === true,
      successStatus: Reflect.getMetadata(HTTP_CODE_METADATA, route.handler) as number | undefined,
    });
  }
  return facts;
}

// Swagger UI's page and script are typed without a charset on fastify (Express added `; charset=utf-8`)
const withUtf8Charset: onSendHookHandler = (_request, reply, payload, done) => {
  const type = reply.getHeader('content-type');
  if (type === 'text/html' || type === 'application/javascript') reply.header('content-type', `${type}; charset=utf-8`);
  done(null, payload);
};
