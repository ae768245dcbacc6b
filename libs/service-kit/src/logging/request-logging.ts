import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { FastifyInstance, FastifyReply } from 'fastify';
import { Level, Logger } from 'pino';
import { requestLogContextOf } from './request-context';

/** Paths polled by orchestrators and scrapers; logging each call would drown the rest. */
export const QUIET_PATHS = ['/health/live', '/health/ready', '/metrics'];

const SANE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** A request's id (fastify's `genReqId`): the client's `X-Request-Id` when it is a short token, else a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * One line per finished request with its id (and correlation id), method, url, status and time in ms;
 * bodies and headers are never logged. The request id is echoed back in `X-Request-Id`.
 */
export function logRequests(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const url = request.raw.url ?? '/';
    if (!QUIET_PATHS.includes(url.split('?')[0])) {
      const level = levelOf(reply);
      // the response is written outside the request's async context: its ids are given here
      logger[level](
        {
          ...requestLogContextOf(request),
          req: { id: request.id, method: request.method, url },
          res: { statusCode: reply.statusCode },
          responseTime: Math.round(reply.elapsedTime),
        },
        level === 'error' ? 'request errored' : 'request completed',
      );
    }
    done();
  });
}

function levelOf(reply: FastifyReply): Level {
  return reply.statusCode >= 500 ? 'error' : reply.statusCode >= 400 ? 'warn' : 'info';
}
