import { Actor } from '@support/contracts';
import { createLogger, signTestToken } from '../src';
import { FakeProbe } from './support/fake-probe';
import { sampleConfig, ServedSample, serveSample } from './support/serve-sample';

// the kit's security headers and OpenAPI document, over the same sample app as service-kit.e2e.spec.ts
const SECRET = 'service-kit-e2e-secret-long-enough-0123456789';
const agent: Actor = { id: 'm-agent', role: 'agent', name: 'Wang' };

const config = sampleConfig({ auth: { jwtSecret: SECRET } });

describe('service kit over HTTP: headers and OpenAPI', () => {
  const probe = new FakeProbe('fake-db');
  let served: ServedSample;
  const call: ServedSample['call'] = (path, init) => served.call(path, init);

  beforeAll(async () => {
    const logger = createLogger('sample', 'info', { write: () => undefined });
    served = await serveSample(config, { logger, readiness: { probes: [probe] }, openApi: { title: 'Sample', version: '1.2.3', description: 'kit test' } });
  });

  afterAll(() => served.app.close());

  describe('security headers', () => {
    it("puts helmet's headers and a strict content security policy on every response", async () => {
      const responses = [
        await call('/v1/things/ping'),
        await call('/v1/things/42', { token: await signTestToken(SECRET, agent) }),
        await call('/v1/things'), // 404 for GET
        await call('/v1/things/42'), // 401
        await call('/v1/things/boom', { token: await signTestToken(SECRET, agent) }), // 500
        await call('/health/live'),
        await call('/metrics'),
      ];
      for (const res of responses) {
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('x-powered-by')).toBeNull();
        expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
        expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
        expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
        expect(cspOf(res)).toMatchObject({
          'default-src': "'self'",
          'script-src': "'self'",
          'script-src-attr': "'none'",
          'style-src': "'self'",
          'object-src': "'none'",
          'frame-ancestors': "'none'",
        });
        expect(res.headers.get('content-security-policy')).not.toContain('unsafe');
      }
    });

    it('allows inline styles for Swagger UI under /docs only, and never inline script', async () => {
      for (const path of ['/docs', '/docs/', '/docs/openapi.json', '/docs/swagger-ui-init.js']) {
        const res = await call(path);
        expect(res.status).toBe(200);
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(cspOf(res)).toMatchObject({ 'default-src': "'self'", 'script-src': "'self'", 'style-src': "'self' 'unsafe-inline'" });
      }
      expect(cspOf(await call('/docsx'))['style-src']).toBe("'self'");
    });
  });

  describe('OpenAPI', () => {
    it('serves the document as JSON with the routes and bearer auth', async () => {
      const res = await call('/docs/openapi.json');
      expect(res.status).toBe(200);
      const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
      expect(doc).toMatchObject({
        info: { title: 'Sample', version: '1.2.3' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        security: [{ bearer: [] }],
      });
      expect(doc.paths['/v1/things'].post).toBeDefined();
      expect(doc.paths['/health/ready'].get).toBeDefined();
      // /metrics is documented as what it answers: Prometheus text, without a bearer token
      expect(doc.paths['/metrics'].get).toMatchObject({ security: [], responses: { 200: { content: { 'text/plain; version=0.0.4; charset=utf-8': {} } } } });
    });

    it('serves Swagger UI at /docs', async () => {
      const res = await call('/docs');
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('swagger-ui');
    });
  });
});

/** The content security policy of a response, directive by directive. */
function cspOf(res: Response): Record<string, string> {
  const header = res.headers.get('content-security-policy') ?? '';
  return Object.fromEntries(
    header
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name, values.join(' ')]),
  );
}
