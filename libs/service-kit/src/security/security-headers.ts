import { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import { IncomingMessage, ServerResponse } from 'node:http';

type CspDirectives = Record<string, string[]>;

/**
 * Content-Security-Policy of every response: same origin only, no inline script or style, no
 * eval, no plugins, no framing. A page a service serves brings its script and CSS as files.
 */
export const API_CSP_DIRECTIVES: CspDirectives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  // no upgrade-insecure-requests: services speak plain HTTP behind whatever terminates TLS, and
  // upgrading would break the pages when opened over http
};

/**
 * Swagger UI at `/docs`: the same policy plus inline styles, which its page and its React
 * components use. Its scripts are files, so `script-src 'self'` holds there too.
 */
export const DOCS_CSP_DIRECTIVES: CspDirectives = {
  ...API_CSP_DIRECTIVES,
  'style-src': ["'self'", "'unsafe-inline'"],
};

/** Where Swagger UI and the OpenAPI document are served (see `setupOpenApi`). */
export const DOCS_PATH = '/docs';

/**
 * Helmet's headers on every response (nosniff, frame and referrer policies, HSTS, ...) with
 * {@link API_CSP_DIRECTIVES}, relaxed to {@link DOCS_CSP_DIRECTIVES} under `/docs` only. Set as the
 * request comes in, so even errors carry them.
 */
export function addSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(securityHeadersOf(request.url));
    done();
  });
}

/** The headers a response to `url` carries: {@link helmetHeaders}, computed once per policy. */
export function securityHeadersOf(url: string): Readonly<Record<string, string>> {
  return isDocsPath(url) ? DOCS_HEADERS : API_HEADERS;
}

/**
 * The headers helmet sets: with static directives they are the same for every response, so they are
 * computed once (@fastify/helmet would build them again on each request).
 */
export function helmetHeaders(directives: CspDirectives): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = { setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value), removeHeader: () => undefined };
  helmet({ contentSecurityPolicy: { useDefaults: false, directives } })({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return headers;
}

const API_HEADERS = helmetHeaders(API_CSP_DIRECTIVES);
const DOCS_HEADERS = helmetHeaders(DOCS_CSP_DIRECTIVES);

/** True for `/docs`, `/docs/...` and `/docs?...`, not for `/docsx`. */
export function isDocsPath(url: string): boolean {
  const path = url.split('?')[0];
  return path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`);
}
