import { Actor } from '@support/contracts';
import { SignJWT } from 'jose';

/** Options for {@link signTestToken}. */
export interface TestTokenOptions {
  /** A jose time span (`'1h'`, `'-5m'`) or an absolute epoch second; default `'1h'`. */
  expiresIn?: string | number;
  audience?: string;
  issuer?: string;
}

/** Signs an HS256 token for `actor` (claims `sub`, `role`, `name`), for tests and demo scripts. */
export async function signTestToken(secret: string, actor: Actor, options: TestTokenOptions = {}): Promise<string> {
  const jwt = new SignJWT({ role: actor.role, ...(actor.name !== undefined && { name: actor.name }) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(actor.id)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h');
  if (options.audience) jwt.setAudience(options.audience);
  if (options.issuer) jwt.setIssuer(options.issuer);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** One token per named actor, e.g. `{ lead: {...}, agent: {...} }` → `{ lead: '<jwt>', agent: '<jwt>' }`. */
export async function signTestTokens<Name extends string>(secret: string, actors: Record<Name, Actor>): Promise<Record<Name, string>> {
  const entries = await Promise.all(Object.entries<Actor>(actors).map(async ([name, actor]) => [name, await signTestToken(secret, actor)] as const));
  return Object.fromEntries(entries) as Record<Name, string>;
}
