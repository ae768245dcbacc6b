import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

// Standard Webhooks (standardwebhooks.com): a secret is `whsec_` and base64 of its bytes; each delivery
// carries webhook-id, webhook-timestamp (unix seconds) and webhook-signature `v1,<base64 HMAC-SHA256 of
// "id.timestamp.body">`. The package signs here and verifies in the tests' receiver.

export const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = { min: 24, max: 64, generated: 32 } as const;
export const SECRET_RULE = `secret must be ${SECRET_PREFIX} followed by the base64 of ${SECRET_BYTES.min}-${SECRET_BYTES.max} random bytes`;

/** The secret's bytes, or undefined when it is not a Standard Webhooks secret of an accepted length. */
export function secretBytes(secret: unknown): Buffer | undefined {
  if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX)) return undefined;
  const text = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length >= SECRET_BYTES.min && bytes.length <= SECRET_BYTES.max ? bytes : undefined;
}

/** A new secret of 32 random bytes. */
export function generateSecret(): Buffer {
  return randomBytes(SECRET_BYTES.generated);
}

export function secretText(bytes: Buffer): string {
  return `${SECRET_PREFIX}${bytes.toString('base64')}`;
}

/** The headers that sign one delivery: the webhook id is the ticket event's id, the same on every retry. */
export function signatureHeaders(secret: Buffer, webhookId: string, at: Date, body: string): Record<string, string> {
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret, { format: 'raw' }).sign(webhookId, at, body),
  };
}
