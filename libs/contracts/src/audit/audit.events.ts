import { defineEvent, EventOf } from '../catalogue/event-definition';
import { dateTimeSchema, requiredTextSchema } from '../tickets/ticket.vocabulary';

// signed heads of the hash chains a service appended: kept outside its database, so whoever can write the
// database cannot rewrite a stream (or cut its newest events) without the anchors saying so

export const AUDIT_TOPIC = 'support.audit.v1';
export const AUDIT_ANCHOR_AGGREGATE = 'service';

const hashSchema = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

export const chainAnchored = defineEvent({
  type: 'support.audit.chain-anchored.v1',
  topic: AUDIT_TOPIC,
  aggregate: AUDIT_ANCHOR_AGGREGATE,
  description:
    'A service signed the heads of the streams one relay batch carried (Ed25519, key `keyId`; the key is the service name). ' +
    'The signature covers the canonical JSON (RFC 8785) of every field but `signature`. An auditor checks each stream of the ' +
    "service's database against the latest anchor of it (`npm run audit:verify`).",
  schema: {
    type: 'object',
    required: ['service', 'schema', 'keyId', 'signedAt', 'heads', 'signature'],
    additionalProperties: false,
    properties: {
      service: requiredTextSchema,
      schema: { ...requiredTextSchema, description: 'the database schema of the event table' },
      // the signing key's id: the first 16 hex digits of sha256 of its public key (SPKI DER)
      keyId: { type: 'string', pattern: '^[0-9a-f]{16}$' },
      signedAt: dateTimeSchema,
      heads: {
        type: 'array',
        items: {
          type: 'object',
          required: ['streamId', 'streamType', 'version', 'hash'],
          additionalProperties: false,
          properties: { streamId: requiredTextSchema, streamType: requiredTextSchema, version: { type: 'integer', minimum: 1 }, hash: hashSchema },
        },
      },
      signature: { type: 'string', minLength: 1, description: 'Ed25519 signature, base64' },
    },
  },
});

/** A signed anchor: the signature is Ed25519 over the canonical JSON of the body, base64. */
export type ChainAnchor = EventOf<typeof chainAnchored>['data'];
/** What is signed: everything but the signature (as canonical JSON). */
export type ChainAnchorBody = Omit<ChainAnchor, 'signature'>;
/** A stream's last event as the anchor saw it. */
export type AnchoredHead = ChainAnchor['heads'][number];

export const auditEvents = [chainAnchored] as const;
