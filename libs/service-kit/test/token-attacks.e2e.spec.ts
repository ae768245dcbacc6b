import { Actor } from '@support/contracts';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { createServer, Server } from 'node:http';
import { signTestToken } from '../src';
import { sampleConfig, ServedSample, serveSample } from './support/serve-sample';

// every forged or broken token gets the same answer: 401, `WWW-Authenticate: Bearer`, the error body
const SECRET = 'token-attacks-e2e-secret-long-enough-0123456789';
const AUDIENCE = 'support-api';
const agent: Actor = { id: 'm-agent', role: 'agent', name: 'Wang' };
const thing = '/v1/things/t-1';

async function expectUnauthorized(res: Response, message: string): Promise<void> {
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toBe('Bearer');
  expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
  expect(await res.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized', message });
}

describe('bearer tokens over HTTP, HS256 with a shared secret and an audience', () => {
  let served: ServedSample;

  beforeAll(async () => {
    served = await serveSample(sampleConfig({ auth: { jwtSecret: SECRET, audience: AUDIENCE } }), { openApi: false });
  });

  afterAll(() => served.app.close());

  const get = (token: string) => served.call(thing, { token });
  const valid = (options: { expiresIn?: string | number } = {}) => signTestToken(SECRET, agent, { audience: AUDIENCE, ...options });

  it('lets a valid token through, one of 12 h too (the longest allowed by default)', async () => {
    expect((await get(await valid({ expiresIn: '12h' }))).status).toBe(200);
    const res = await get(await valid());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 't-1' });
  });

  it.each<[string, () => Promise<string>, string]>([
    ['an expired token', () => valid({ expiresIn: Math.floor(Date.now() / 1000) - 60 }), 'token expired'],
    ['a token for another audience', () => signTestToken(SECRET, agent, { audience: 'billing-api' }), 'invalid token'],
    ['a token without audience', () => signTestToken(SECRET, agent), 'invalid token'],
    ['an unsigned token (alg none)', async () => new UnsecuredJWT({ role: 'lead', aud: AUDIENCE }).setSubject('m-agent').setExpirationTime('1h').encode(), 'invalid token'],
    ['a token with alg none and the old signature', async () => withHeader(await valid(), { alg: 'none', typ: 'JWT' }), 'invalid token'],
    ['a tampered role (signature kept)', async () => tamper(await valid(), { role: 'lead' }), 'invalid token'],
    ['a tampered subject (signature kept)', async () => tamper(await valid(), { sub: 'm-lead' }), 'invalid token'],
    ['a pushed-back expiry (signature kept)', async () => tamper(await valid({ expiresIn: '-1m' }), { exp: Math.floor(Date.now() / 1000) + 3600 }), 'invalid token'],
    ['a token signed with another secret', () => signTestToken('another-secret-that-is-long-enough-000000', agent, { audience: AUDIENCE }), 'invalid token'],
    ['an HS512 token with the right secret', () => signWith(SECRET, 'HS512', { sub: 'x', role: 'lead', aud: AUDIENCE }), 'invalid token'],
    ['a token that is not valid yet', () => signWith(SECRET, 'HS256', { sub: 'x', role: 'lead', aud: AUDIENCE, nbf: Math.floor(Date.now() / 1000) + 3600 }), 'invalid token'],
    ['a token without subject', () => signWith(SECRET, 'HS256', { role: 'lead', aud: AUDIENCE }), 'token has no subject'],
    ['a token with an empty subject', () => signWith(SECRET, 'HS256', { sub: '', role: 'lead', aud: AUDIENCE }), 'token has no subject'],
    ['a token with an unknown role', () => signWith(SECRET, 'HS256', { sub: 'x', role: 'admin', aud: AUDIENCE }), 'token has no known role'],
    ['a token without role', () => signWith(SECRET, 'HS256', { sub: 'x', aud: AUDIENCE }), 'token has no known role'],
    ['garbage', async () => 'not.a.jwt', 'invalid token'],
    [
      'a token that never expires',
      () => new SignJWT({ role: 'lead', aud: AUDIENCE }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuedAt().sign(new TextEncoder().encode(SECRET)),
      'invalid token',
    ],
    ['a token that lives longer than 12 h', () => valid({ expiresIn: '13h' }), 'token lifetime above 43200 s'],
    [
      'a token issued in the future',
      () => signWith(SECRET, 'HS256', { sub: 'x', role: 'lead', aud: AUDIENCE, iat: Math.floor(Date.now() / 1000) + 600 }),
      'token issued in the future',
    ],
  ])('answers 401 to %s', async (_case, token, message) => {
    await expectUnauthorized(await get(await token()), message);
  });

  it('answers 401, not 400, to a write with a bad token and a bad body', async () => {
    await expectUnauthorized(await served.call('/v1/things', { method: 'POST', token: tamper(await valid(), { role: 'lead' }), body: { title: 1 } }), 'invalid token');
  });
});

describe('bearer tokens over HTTP, against a JWKS', () => {
  let jwks: Server;
  let served: ServedSample;
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;

  beforeAll(async () => {
    keys = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks.json`;
    // no shared secret at all, as in production with a JWKS
    served = await serveSample(sampleConfig({ auth: { jwksUrl } }), { openApi: false });
  });

  afterAll(async () => {
    await served.app.close();
    await new Promise<void>((resolve) => jwks.close(() => resolve()));
  });

  const es256 = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setExpirationTime('5m').sign(keys.privateKey);

  it('lets a token signed with a published key through', async () => {
    const res = await served.call(thing, { token: await es256({ sub: 'm-2', role: 'senior' }) });
    expect(res.status).toBe(200);
  });

  it.each<[string, () => Promise<string>]>([
    ['an HS256 token signed with a guessable secret', () => signTestToken(SECRET, agent)],
    // the classic algorithm confusion: HMAC keyed with the public key the attacker can download
    ['an HS256 token keyed with the public key (PEM)', async () => signWith(await exportSPKI(keys.publicKey), 'HS256', { sub: 'x', role: 'lead' })],
    ['an HS256 token keyed with the public key (JWK)', async () => signWith(JSON.stringify(await exportJWK(keys.publicKey)), 'HS256', { sub: 'x', role: 'lead' }, 'k1')],
    ['an unsigned token (alg none)', async () => new UnsecuredJWT({ role: 'lead' }).setSubject('x').setExpirationTime('1h').encode()],
    ['a tampered role (signature kept)', async () => tamper(await es256({ sub: 'm-2', role: 'senior' }), { role: 'lead' })],
  ])('answers 401 to %s', async (_case, token) => {
    await expectUnauthorized(await served.call(thing, { token: await token() }), 'invalid token');
  });
});

// re-encodes the payload and keeps the old signature
function tamper(token: string, claims: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  return [header, encodePart({ ...decodePart(payload), ...claims }), signature].join('.');
}

// swaps the header and keeps payload and signature
function withHeader(token: string, header: Record<string, unknown>): string {
  const [, payload, signature] = token.split('.');
  return [encodePart(header), payload, signature].join('.');
}

function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString());
}

function encodePart(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function signWith(secret: string, alg: 'HS256' | 'HS512', claims: Record<string, unknown>, kid?: string): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg, ...(kid && { kid }) })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
}
