import { HttpException } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { instanceOf, PROBLEM_JSON, problemOf } from '../errors/problem-details';
import { requestIdOf } from '../logging/request-logging';
import { securityHeadersOf } from '../security/security-headers';
import { bodyErrorAnswer, parseJsonBodies } from './json-body';

type ErrorHandler = Parameters<FastifyAdapter['setErrorHandler']>[0];

// route parameters are ids, never this long; fastify's default (100) would answer a long one 404
const MAX_PARAM_LENGTH = 2048;
// Node's own defaults, which the services always had (fastify's: keep-alive 72 s, so a closing app waits that
// long for idle clients; no request timeout)
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 300_000;

/**
 * Fastify under Nest as the services serve HTTP: routes match as they always did (any case, with or
 * without a trailing slash), only JSON bodies are read, up to `bodyLimit` bytes, and every request has
 * an id (`X-Request-Id` when it is a sane one). The kit hooks in with fastify hooks, not Nest middleware,
 * so @fastify/middie is left out.
 */
export class ServiceHttpAdapter extends FastifyAdapter {
  constructor(readonly bodyLimit: number) {
    super({
      bodyLimit,
      skipMiddie: true,
      routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
      genReqId: requestIdOf,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      // requests that come in while the app closes are still answered (HTTP drains before the runtime stops)
      return503OnClosing: false,
      frameworkErrors: answerUnroutable,
    });
    parseJsonBodies(this.getInstance(), bodyLimit);
  }

  // fastify's errors while reading a body reach Nest's handler as bare HttpExceptions: mapped here first,
  // the client gets the kit's messages (the limit named in bytes)
  override setErrorHandler(handler: ErrorHandler) {
    const limit = this.bodyLimit;
    return super.setErrorHandler(function (error, request, reply) {
      return handler.call(this, bodyErrorAnswer(error, limit) ?? error, request, reply);
    });
  }
}

// a URL the router cannot take (a malformed percent-encoding, a parameter over the limit) reaches no hook and
// no Nest handler: answered here in the kit's error shape, with the headers every answer carries
function answerUnroutable(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem = problemOf(new HttpException(error.message, error.statusCode ?? 400), instanceOf(request.url));
  reply.headers(securityHeadersOf(request.url)).header('x-request-id', request.id).status(problem.status).type(PROBLEM_JSON).send(JSON.stringify(problem));
}
