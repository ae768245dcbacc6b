import { ConfigError, DEV_JWT_SECRET, loadServiceConfig } from '..';
import { defaults, good, problemsOf } from './service-config.test-fixtures';

describe('loadServiceConfig: the token secret, JWKS, audience and issuer', () => {
  it('accepts a short secret outside production and a dev default in development and test', () => {
    expect(loadServiceConfig({ ...good, NODE_ENV: 'staging', AUTH_JWT_SECRET: 'short' }, defaults).auth.jwtSecret).toBe('short');
    for (const NODE_ENV of ['development', 'test']) {
      expect(loadServiceConfig({ ...good, NODE_ENV, AUTH_JWT_SECRET: undefined }, defaults).auth.jwtSecret).toBe(DEV_JWT_SECRET);
    }
    expect(problemsOf(() => loadServiceConfig({ ...good, NODE_ENV: undefined, AUTH_JWT_SECRET: '' }, defaults))).toEqual([
      'AUTH_JWT_SECRET is required unless NODE_ENV is development or test or AUTH_JWKS_URL is set',
    ]);
  });

  describe('in production (NODE_ENV=production)', () => {
    const jwksUrl = 'https://auth.example/.well-known/jwks.json';

    it('refuses to start without AUTH_JWT_SECRET', () => {
      expect(problemsOf(() => loadServiceConfig({ ...good, AUTH_JWT_SECRET: undefined }, defaults))).toEqual([
        'AUTH_JWT_SECRET is required unless NODE_ENV is development or test or AUTH_JWKS_URL is set',
      ]);
      expect(() => loadServiceConfig({ ...good, AUTH_JWT_SECRET: '  ' }, defaults)).toThrow(ConfigError);
    });

    it('refuses a secret shorter than 32 bytes, counting UTF-8 bytes', () => {
      const rule = 'AUTH_JWT_SECRET must be at least 32 bytes when NODE_ENV is production (or set AUTH_JWKS_URL)';
      expect(problemsOf(() => loadServiceConfig({ ...good, AUTH_JWT_SECRET: 'a'.repeat(31) }, defaults))).toEqual([rule]);
      expect(() => loadServiceConfig({ ...good, AUTH_JWT_SECRET: 'a'.repeat(31) }, defaults)).toThrow(/^invalid configuration: AUTH_JWT_SECRET must be at least 32 bytes/);
      expect(loadServiceConfig({ ...good, AUTH_JWT_SECRET: 'a'.repeat(32) }, defaults).auth.jwtSecret).toBe('a'.repeat(32));
      // 11 characters, 33 bytes: long enough for HS256 whatever the character count
      expect(loadServiceConfig({ ...good, AUTH_JWT_SECRET: '密'.repeat(11) }, defaults).auth.jwtSecret).toBe('密'.repeat(11));
    });

    it('refuses the published development secret even when it is set explicitly', () => {
      expect(problemsOf(() => loadServiceConfig({ ...good, AUTH_JWT_SECRET: DEV_JWT_SECRET }, defaults))).toEqual([
        'AUTH_JWT_SECRET must not be the published development secret when NODE_ENV is production',
      ]);
      expect(loadServiceConfig({ ...good, NODE_ENV: 'development', AUTH_JWT_SECRET: DEV_JWT_SECRET }, defaults).auth.jwtSecret).toBe(DEV_JWT_SECRET);
    });

    it('takes a JWKS only over https (plain http only in development and test)', () => {
      const plain = 'http://auth:8080/.well-known/jwks.json';
      expect(problemsOf(() => loadServiceConfig({ ...good, AUTH_JWKS_URL: plain }, defaults))).toEqual([
        'AUTH_JWKS_URL must be an https URL unless NODE_ENV is development or test',
      ]);
      expect(loadServiceConfig({ ...good, NODE_ENV: 'test', AUTH_JWKS_URL: plain }, defaults).auth.jwksUrl).toBe(plain);
    });

    it.each(['59', '604801', 'long', '1.5'])('rejects AUTH_MAX_TOKEN_LIFETIME_SECONDS=%s', (lifetime) => {
      expect(problemsOf(() => loadServiceConfig({ ...good, AUTH_MAX_TOKEN_LIFETIME_SECONDS: lifetime }, defaults))).toEqual([
        'AUTH_MAX_TOKEN_LIFETIME_SECONDS must be an integer between 60 and 604800 (seconds a token may live, exp - iat)',
      ]);
    });

    it('refuses to start without AUTH_AUDIENCE or AUTH_ISSUER, so tokens are always checked against both', () => {
      expect(problemsOf(() => loadServiceConfig({ ...good, AUTH_AUDIENCE: undefined, AUTH_ISSUER: ' ' }, defaults))).toEqual([
        'AUTH_AUDIENCE is required when NODE_ENV is production (the `aud` every token must carry)',
        'AUTH_ISSUER is required when NODE_ENV is production (the `iss` every token must carry)',
      ]);
      for (const NODE_ENV of ['development', 'test', 'staging']) {
        const { auth } = loadServiceConfig({ ...good, NODE_ENV, AUTH_AUDIENCE: undefined, AUTH_ISSUER: undefined }, defaults);
        expect(auth).toMatchObject({ audience: undefined, issuer: undefined });
      }
    });

    it('needs no secret when tokens are checked against a JWKS, and makes up none', () => {
      expect(loadServiceConfig({ ...good, AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: jwksUrl }, defaults).auth).toEqual({
        jwtSecret: undefined,
        jwksUrl,
        audience: 'support-ops',
        issuer: 'https://auth.example',
        maxTokenLifetimeSeconds: 12 * 3600,
      });
      expect(loadServiceConfig({ ...good, AUTH_JWT_SECRET: 'short', AUTH_JWKS_URL: jwksUrl }, defaults).auth.jwksUrl).toBe(jwksUrl);
    });
  });

  it('uses the development secret only in development and test, and never beside a JWKS', () => {
    for (const NODE_ENV of ['production', 'staging', 'prod', 'Development', undefined]) {
      expect(() => loadServiceConfig({ ...good, NODE_ENV, AUTH_JWT_SECRET: undefined }, defaults)).toThrow(ConfigError);
    }
    const jwks = loadServiceConfig({ ...good, NODE_ENV: 'development', AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: 'http://auth:8080/jwks.json' }, defaults);
    expect(jwks.auth.jwtSecret).toBeUndefined();
  });
});
