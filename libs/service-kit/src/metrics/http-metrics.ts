import { FastifyInstance } from 'fastify';
import { httpRequestDuration } from './metrics.registry';

/** Label for requests that matched no route (404s), instead of the raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Observes every response in {@link httpRequestDuration}, labelled by the route's pattern so labels stay bounded. */
export function observeHttpRequests(fastify: FastifyInstance, histogram = httpRequestDuration): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
    histogram.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
}
