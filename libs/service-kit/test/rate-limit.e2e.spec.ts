import { Actor } from '@support/contracts';
import { signTestToken } from '../src';
import { sampleConfig, ServedSample, serveSample } from './support/serve-sample';

const SECRET = 'rate-limit-e2e-secret-long-enough-0123456789';
const LIMIT = 3;
const validThing = { title: 'screen flickers', customer: { name: 'Ms Wang' }, urgency: 'normal' };

async function expectTooManyRequests(res: Response): Promise<void> {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(await res.json()).toMatchObject({
    statusCode: 429,
    error: 'Too Many Requests',
    message: `too many writes: at most ${LIMIT} per minute; retry after ${retryAfter} s`,
  });
}

describe(`rate limit on writes (${LIMIT} per caller per minute)`, () => {
  let served: ServedSample;
  // each test its own callers, so their budgets do not mix
  let members = 0;
  const newMember = (role: Actor['role'] = 'agent'): Actor => ({ id: `m-${++members}`, role });
  const tokenOf = (actor: Actor) => signTestToken(SECRET, actor);
  const newCaller = (role?: Actor['role']) => tokenOf(newMember(role));

  beforeAll(async () => {
    served = await serveSample(sampleConfig({ auth: { jwtSecret: SECRET }, rateLimit: { writesPerMinute: LIMIT } }), { openApi: false });
  });

  afterAll(() => served.app.close());

  it('counts POST, PUT, PATCH and DELETE against one budget per caller, then answers 429 with Retry-After', async () => {
    const token = await newCaller();
    const first = await served.call('/v1/things', { method: 'POST', token, body: validThing });
    expect(first.status).toBe(201);
    expect(first.headers.get('x-ratelimit-limit')).toBe(String(LIMIT));
    expect(first.headers.get('x-ratelimit-remaining')).toBe(String(LIMIT - 1));
    expect((await served.call('/v1/things/t-1', { method: 'PUT', token })).status).toBe(200);
    expect((await served.call('/v1/things/t-1', { method: 'PATCH', token })).status).toBe(200);
    await expectTooManyRequests(await served.call('/v1/things/t-1', { method: 'DELETE', token }));
    await expectTooManyRequests(await served.call('/v1/things', { method: 'POST', token, body: validThing }));
  });

  it('never throttles reads, health or metrics', async () => {
    const token = await newCaller();
    for (let i = 0; i < LIMIT; i++) await served.call('/v1/things/t-1', { method: 'PUT', token });
    await expectTooManyRequests(await served.call('/v1/things/t-1', { method: 'PUT', token }));
    for (let i = 0; i < 3 * LIMIT; i++) {
      expect((await served.call('/v1/things/t-1', { token })).status).toBe(200);
      expect((await served.call('/health/live')).status).toBe(200);
      expect((await served.call('/metrics')).status).toBe(200);
    }
  });

  it('keys authenticated callers by their token subject, not their address', async () => {
    const member = newMember();
    const token = await tokenOf(member);
    for (let i = 0; i < LIMIT; i++) await served.call('/v1/things/t-1', { method: 'PATCH', token });
    await expectTooManyRequests(await served.call('/v1/things/t-1', { method: 'PATCH', token }));
    // same address, another member: a full budget
    const other = await newCaller('lead');
    for (let i = 0; i < LIMIT; i++) expect((await served.call('/v1/things/t-1/approval', { method: 'POST', token: other })).status).toBe(201);
    // another token of the same member does not reset the count
    const anotherToken = await tokenOf({ ...member, name: 'same member, new token' });
    expect(anotherToken).not.toBe(token);
    await expectTooManyRequests(await served.call('/v1/things/t-1', { method: 'PATCH', token: anotherToken }));
  });

  it('keys unauthenticated writes to public routes by client address', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await served.call('/v1/things/webhook', { method: 'POST' })).status).toBe(201);
    await expectTooManyRequests(await served.call('/v1/things/webhook', { method: 'POST' }));
    // an authenticated caller from the same address is counted apart
    expect((await served.call('/v1/things/t-1', { method: 'PUT', token: await newCaller() })).status).toBe(200);
  });
});
