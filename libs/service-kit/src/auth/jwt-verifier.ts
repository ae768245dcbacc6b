import { Actor, isRole } from '@support/contracts';
import { createRemoteJWKSet, errors, JWTPayload, jwtVerify, JWTVerifyOptions } from 'jose';
import { createSecretKey } from 'node:crypto';
import { AuthConfig } from '../config/service-config';
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS } from '../config/service-env';

/** The outcome of checking a bearer token; `reason` is safe to send to the client. */
export type TokenCheck = { ok: true; actor: Actor } | { ok: false; reason: string };

// clocks of the issuer and of this service may differ this much
const CLOCK_SKEW_SECONDS = 60;

// what a JWKS may sign with; symmetric and `none` never come from there
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * Verifies bearer tokens with jose: HS256 with the shared secret, or, when a JWKS URL is
 * configured, the keys published there. Audience and issuer are checked when configured.
 */
export class JwtVerifier {
  private readonly verifyJwt: (token: string, options: JWTVerifyOptions) => Promise<JWTPayload>;
  private readonly options: JWTVerifyOptions;
  private readonly maxLifetimeSeconds: number;

  constructor(config: AuthConfig) {
    if (config.jwksUrl) {
      const jwks = createRemoteJWKSet(new URL(config.jwksUrl));
      this.verifyJwt = async (token, options) => (await jwtVerify(token, jwks, options)).payload;
    } else {
      // an empty key would let anyone sign; config validation stops it earlier, this is the last line
      if (!config.jwtSecret) throw new Error('AuthConfig needs a jwtSecret or a jwksUrl');
      // a key object made once: jose would import raw bytes again on every request
      const secret = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
      this.verifyJwt = async (token, options) => (await jwtVerify(token, secret, options)).payload;
    }
    this.maxLifetimeSeconds = config.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
    this.options = {
      // pinning the algorithms is what rejects `alg: none` and algorithm swaps
      algorithms: config.jwksUrl ? ASYMMETRIC_ALGORITHMS : ['HS256'],
      // a token that never expires would outlive any revocation
      requiredClaims: ['exp'],
      ...(config.audience && { audience: config.audience }),
      ...(config.issuer && { issuer: config.issuer }),
    };
  }

  /** Checks signature, expiry, audience, issuer and the `sub` / `role` / `name` claims. */
  async verify(token: string): Promise<TokenCheck> {
    let payload: JWTPayload;
    try {
      payload = await this.verifyJwt(token, this.options);
    } catch (err) {
      if (err instanceof errors.JWTExpired) return { ok: false, reason: 'token expired' };
      if (err instanceof errors.JOSEError) return { ok: false, reason: 'invalid token' };
      throw err;
    }
    const lifetime = lifetimeProblem(payload, this.maxLifetimeSeconds, Math.floor(Date.now() / 1000));
    return lifetime ? { ok: false, reason: lifetime } : actorFromClaims(payload);
  }
}

/** Reads the actor from verified claims. */
export function actorFromClaims(payload: JWTPayload): TokenCheck {
  const { sub, role, name } = payload;
  if (typeof sub !== 'string' || sub === '') return { ok: false, reason: 'token has no subject' };
  if (!isRole(role)) return { ok: false, reason: 'token has no known role' };
  if (name !== undefined && typeof name !== 'string') return { ok: false, reason: 'token name must be a string' };
  return { ok: true, actor: name === undefined ? { id: sub, role } : { id: sub, role, name } };
}

/** Why a verified token's times are refused: issued in the future, or living longer than allowed (exp - iat). */
export function lifetimeProblem(payload: JWTPayload, maxLifetimeSeconds: number, nowSeconds: number): string | undefined {
  const { iat, exp } = payload;
  if (iat !== undefined && iat > nowSeconds + CLOCK_SKEW_SECONDS) return 'token issued in the future';
  if (exp !== undefined && exp - (iat ?? nowSeconds) > maxLifetimeSeconds) return `token lifetime above ${maxLifetimeSeconds} s`;
  return undefined;
}
