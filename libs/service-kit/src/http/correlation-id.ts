import { BadRequestException } from '@nestjs/common';
import { FastifyInstance } from 'fastify';

/**
 * What `X-Correlation-Id` may hold: it is stored forever in every event's hash-chained metadata, so only
 * a short id (a UUID, a partner's request id), never free text.
 */
export const CORRELATION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * A request with a malformed `X-Correlation-Id` answers 400 naming the header and its rule: checked once
 * the body is read (a bad body is answered first) and before any guard or handler.
 */
export function checkCorrelationIds(fastify: FastifyInstance): void {
  fastify.addHook('preHandler', (request, _reply, done) => {
    const value = request.headers['x-correlation-id'];
    if (value === undefined || (typeof value === 'string' && CORRELATION_ID.test(value))) return done();
    done(new BadRequestException(['X-Correlation-Id must be 1-128 characters: letters, digits and . _ : - (beginning with a letter or digit)']));
  });
}
