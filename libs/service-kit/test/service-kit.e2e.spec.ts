import { Actor } from '@support/contracts';
import { createLogger, createServiceApp, signTestToken } from '../src';
import { FakeProbe } from './support/fake-probe';
import { SampleModule } from './support/sample.module';
import { sampleConfig, ServedSample, serveSample } from './support/serve-sample';

const SECRET = 'service-kit-e2e-secret-long-enough-0123456789';
const lead: Actor = { id: 'm-lead', role: 'lead', name: 'Lin' };
const agent: Actor = { id: 'm-agent', role: 'agent', name: 'Wang' };

const config = sampleConfig({ auth: { jwtSecret: SECRET } });

const validThing = { title: 'screen flickers', customer: { name: 'Ms Wang', phone: '+86 138 0000 0000' }, urgency: 'urgent' };

describe('service kit over HTTP', () => {
  const probe = new FakeProbe('fake-db');
  const logLines: string[] = [];
  let served: ServedSample;
  const call: ServedSample['call'] = (path, init) => served.call(path, init);

  beforeAll(async () => {
    const logger = createLogger('sample', 'info', { write: (line: string) => void logLines.push(line) });
    served = await serveSample(config, { logger, readiness: { probes: [probe] }, openApi: { title: 'Sample', version: '1.2.3', description: 'kit test' } });
  });

  afterAll(() => served.app.close());

  describe('auth', () => {
    it('lets a valid token through and hands the actor to the handler', async () => {
      const res = await call('/v1/things', { method: 'POST', token: await signTestToken(SECRET, agent), body: validThing });
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ title: validThing.title, customer: validThing.customer, isDto: true, openedBy: agent });
    });

    // every kind of bad token: token-attacks.e2e.spec.ts
    it('answers 401 without a token', async () => {
      const res = await call('/v1/things', { method: 'POST', body: validThing });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      // RFC 9457 problem details, v1's members alongside
      expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(await res.json()).toEqual({
        type: 'about:blank',
        title: 'Unauthorized',
        status: 401,
        detail: 'missing bearer token',
        instance: '/v1/things',
        statusCode: 401,
        error: 'Unauthorized',
        message: 'missing bearer token',
      });
    });

    it('answers 401 to a non-bearer scheme', async () => {
      const res = await call('/v1/things', { method: 'POST', headers: { authorization: `Basic ${btoa('a:b')}` }, body: validThing });
      expect(res.status).toBe(401);
    });

    it('answers 403 to a role the route does not allow, and lets the allowed role through', async () => {
      const denied = await call('/v1/things/t-1/approval', { method: 'POST', token: await signTestToken(SECRET, agent) });
      expect(denied.status).toBe(403);
      expect(await denied.json()).toMatchObject({ statusCode: 403, error: 'Forbidden', message: 'role agent may not do this' });

      const allowed = await call('/v1/things/t-1/approval', { method: 'POST', token: await signTestToken(SECRET, lead) });
      expect(allowed.status).toBe(201);
      expect(await allowed.json()).toEqual({ id: 't-1', approvedBy: 'm-lead' });
    });

    it('serves @Public() routes without a token', async () => {
      const res = await call('/v1/things/ping');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ pong: true, actor: null });
    });
  });

  describe('errors', () => {
    it('names every failing field, nested ones by their full path', async () => {
      const res = await call('/v1/things', {
        method: 'POST',
        token: await signTestToken(SECRET, agent),
        body: { title: '', customer: { phone: 138, nickname: 'w' }, urgency: 'soon', extra: 1 },
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { message: string[]; errors: { field: string; rule: string; detail: string }[] };
      expect(Object.keys(body).sort()).toEqual(['detail', 'error', 'errors', 'instance', 'message', 'status', 'statusCode', 'title', 'type']);
      expect(body).toMatchObject({ status: 400, title: 'Bad Request', statusCode: 400, error: 'Bad Request' });
      expect(body.message).toHaveLength(6);
      // the extension member: each failed rule with its field, the same sentences as v1's message
      expect(body.errors.map((error) => error.detail)).toEqual(body.message);
      expect(body.errors).toEqual(
        expect.arrayContaining([
          { field: 'customer.phone', rule: 'isString', detail: 'customer.phone must be a string' },
          { field: 'extra', rule: 'whitelistValidation', detail: 'property extra should not exist' },
        ]),
      );
      expect(body.message).toEqual(
        expect.arrayContaining([
          'title should not be empty',
          'customer.name must be a string',
          'customer.phone must be a string',
          'property customer.nickname should not exist',
          'urgency must be one of the following values: urgent, normal',
          'property extra should not exist',
        ]),
      );
    });

    it('answers 400 to a missing nested object', async () => {
      const res = await call('/v1/things', { method: 'POST', token: await signTestToken(SECRET, agent), body: { title: 't', urgency: 'normal' } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string[] }).message).toEqual(expect.arrayContaining([expect.stringMatching(/^customer /)]));
    });

    it('answers 400 naming X-Correlation-Id when it is not a short id (it is stored forever), and takes a UUID', async () => {
      const token = await signTestToken(SECRET, agent);
      const rule = 'X-Correlation-Id must be 1-128 characters: letters, digits and . _ : - (beginning with a letter or digit)';
      for (const bad of ['x'.repeat(129), 'has spaces', '<script>', '-leading-dash', '']) {
        const res = await call('/v1/things', { method: 'POST', token, body: validThing, headers: { 'x-correlation-id': bad } });
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', message: [rule] });
      }
      const ok = await call('/v1/things', { method: 'POST', token, body: validThing, headers: { 'x-correlation-id': '7d1c0f5e-1b2a-4c3d-9e8f-001122334455' } });
      expect(ok.status).toBe(201);
    });

    it('answers 400 to a body that is not JSON', async () => {
      const res = await call('/v1/things', { method: 'POST', token: await signTestToken(SECRET, agent), body: '{"title": "unterminated' });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', message: ['body must be valid JSON'] });
    });

    it('answers 413 to a body over the limit (64 kB by default)', async () => {
      const body = { ...validThing, title: 'x'.repeat(70 * 1024) };
      const res = await call('/v1/things', { method: 'POST', token: await signTestToken(SECRET, agent), body });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ statusCode: 413, error: 'Payload Too Large', message: 'body must not exceed 65536 bytes' });
    });

    it('turns an unexpected error into a logged 500 without stack or detail', async () => {
      const res = await call('/v1/things/boom', { token: await signTestToken(SECRET, agent) });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' });
      expect(text).not.toMatch(/hunter2|stack|\bat /);

      const logged = logLines.map((line) => JSON.parse(line)).find((entry) => entry.context === 'HttpErrorFilter');
      expect(logged).toMatchObject({ level: 50, service: 'sample', err: { message: 'secret detail: password=hunter2' } });
      expect(logged.err.stack).toContain('ThingController.boom');
    });

    it('shapes unknown routes the same way', async () => {
      const res = await call('/nowhere');
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /nowhere' });
    });
  });

  describe('health', () => {
    it('is live without a token', async () => {
      const res = await call('/health/live');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok' });
    });

    it('is ready when every probe passes, 503 naming the failing probe otherwise', async () => {
      probe.healthy = true;
      const ready = await call('/health/ready');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok', info: { 'fake-db': { status: 'up' } } });

      probe.healthy = false;
      const notReady = await call('/health/ready');
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable', message: ['fake-db is down'] });
      probe.healthy = true;
    });
  });

  describe('metrics', () => {
    it('serves Prometheus text with the request histogram labelled by route pattern', async () => {
      await call('/v1/things/42', { token: await signTestToken(SECRET, agent) });
      const res = await call('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
      const text = await res.text();
      expect(text).toContain('# TYPE http_request_duration_seconds histogram');
      expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/v1\/things\/:id",status="200"\} [1-9]/);
      expect(text).not.toContain('route="/v1/things/42"');
      expect(text).toContain('process_cpu_user_seconds_total');
    });
  });

  it('echoes a request id and logs requests without bodies or tokens', async () => {
    const token = await signTestToken(SECRET, agent);
    const res = await call('/v1/things', { method: 'POST', token, body: { ...validThing, title: 'findme-title' }, headers: { 'x-request-id': 'req-123' } });
    expect(res.headers.get('x-request-id')).toBe('req-123');
    const line = logLines.find((l) => l.includes('req-123'));
    expect(JSON.parse(line!)).toMatchObject({ req: { id: 'req-123', method: 'POST', url: '/v1/things' }, res: { statusCode: 201 } });
    expect(logLines.join('\n')).not.toContain('findme-title');
    expect(logLines.join('\n')).not.toContain(token);
  });
});

describe('service kit with readiness probes built from providers', () => {
  it('runs the probes the factory returns', async () => {
    const probe = new FakeProbe('kafka');
    probe.healthy = false;
    const quiet = createLogger('sample', 'silent');
    const app = await createServiceApp(SampleModule.register(config, { useFactory: async () => [probe] }), config, { logger: quiet, openApi: false, bodyLimit: 10 });
    await app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    try {
      expect((await fetch(`${url}/health/ready`)).status).toBe(503);
      probe.healthy = true;
      expect((await fetch(`${url}/health/ready`)).status).toBe(200);
      expect((await fetch(`${url}/docs/openapi.json`)).status).toBe(404);
      const tooLarge = await fetch(`${url}/v1/things/ping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"12345"}' });
      expect(tooLarge.status).toBe(413);
    } finally {
      await app.close();
    }
  });
});
