import { IncomingMessage, ServerResponse } from 'node:http';
import { httpRequestDuration } from './metrics.registry';

// express sets `route` on the request once a route matched, so labels stay bounded
type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };

/** Label for requests that matched no route (404s, body errors), instead of the raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Express middleware that observes every response in {@link httpRequestDuration}. */
export function httpMetricsMiddleware(histogram = httpRequestDuration) {
  return (req: RoutedRequest, res: ServerResponse, next: () => void): void => {
    const stop = histogram.startTimer();
    res.once('finish', () => stop({ method: req.method ?? 'UNKNOWN', route: routeOf(req), status: String(res.statusCode) }));
    next();
  };
}

function routeOf(req: RoutedRequest): string {
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : UNMATCHED_ROUTE;
}
