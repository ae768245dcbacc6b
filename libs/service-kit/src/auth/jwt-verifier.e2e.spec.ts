import { Actor } from '@support/contracts';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createServer, Server } from 'node:http';
import { JwtVerifier } from './jwt-verifier';
import { signTestToken } from './sign-test-token';

const SECRET = 'jwt-verifier-secret-long-enough-0123456789';
const agent: Actor = { id: 'm-1', role: 'agent', name: 'Wang' };

describe('JwtVerifier with a shared secret', () => {
  it('checks audience and issuer when configured', async () => {
    const verifier = new JwtVerifier({ jwtSecret: SECRET, audience: 'support', issuer: 'auth' });
    expect(await verifier.verify(await signTestToken(SECRET, agent, { audience: 'support', issuer: 'auth' }))).toEqual({ ok: true, actor: agent });
    expect(await verifier.verify(await signTestToken(SECRET, agent, { audience: 'other', issuer: 'auth' }))).toEqual({ ok: false, reason: 'invalid token' });
    expect(await verifier.verify(await signTestToken(SECRET, agent, { audience: 'support' }))).toEqual({ ok: false, reason: 'invalid token' });
  });

  it('refuses to be built without a secret or a JWKS, so an empty key can never verify', () => {
    expect(() => new JwtVerifier({})).toThrow('AuthConfig needs a jwtSecret or a jwksUrl');
    expect(() => new JwtVerifier({ jwtSecret: '' })).toThrow('AuthConfig needs a jwtSecret or a jwksUrl');
  });

  it('reads an actor without a name', async () => {
    const verifier = new JwtVerifier({ jwtSecret: SECRET });
    expect(await verifier.verify(await signTestToken(SECRET, { id: 'svc', role: 'service' }))).toEqual({ ok: true, actor: { id: 'svc', role: 'service' } });
  });
});

describe('JwtVerifier with a JWKS URL', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('accepts tokens signed with a published key and refuses HS256 ones', async () => {
    const verifier = new JwtVerifier({ jwtSecret: SECRET, jwksUrl });
    const token = await new SignJWT({ role: 'senior' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setSubject('m-2').setExpirationTime('5m').sign(privateKey);
    expect(await verifier.verify(token)).toEqual({ ok: true, actor: { id: 'm-2', role: 'senior' } });
    expect(await verifier.verify(await signTestToken(SECRET, agent))).toEqual({ ok: false, reason: 'invalid token' });
  });
});
