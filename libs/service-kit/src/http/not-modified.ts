import { FastifyInstance } from 'fastify';

/**
 * A conditional read (RFC 9110 §13.1.2): a GET or HEAD whose `If-None-Match` holds the ETag its answer
 * carries, or `*`, answers 304 Not Modified with the same headers and no body, so a client polling a
 * ticket pays for the transfer only when it changed.
 */
export function answerNotModified(fastify: FastifyInstance): void {
  // a callback hook: no promise on every answer
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const condition = request.headers['if-none-match'];
    const etag = reply.getHeader('etag');
    if (condition === undefined || reply.statusCode !== 200 || (request.method !== 'GET' && request.method !== 'HEAD') || typeof etag !== 'string' || !noneMatch(condition, etag)) {
      done(null, payload);
      return;
    }
    reply.code(304).removeHeader('content-length');
    done(null, null);
  });
}

// `*` or a list of entity tags, compared weakly: W/"3" matches "3"
function noneMatch(condition: string, etag: string): boolean {
  if (condition.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return condition.split(',').some((tag) => opaque(tag) === opaque(etag));
}
