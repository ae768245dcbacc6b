import { sign, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { AnchoredHead, ChainAnchor, ChainAnchorBody } from '@support/contracts';
import { AnchorSigningKey, TrustedKeys } from './anchor-keys';

/** the bytes an anchor's signature covers: the canonical JSON (RFC 8785) of everything but the signature */
export function anchorSigningInput(body: ChainAnchorBody): Buffer {
  const { service, schema, keyId, signedAt, heads } = body;
  return Buffer.from(canonicalize({ service, schema, keyId, signedAt, heads }) ?? '', 'utf8');
}

export function signAnchor(key: AnchorSigningKey, content: { service: string; schema: string; heads: AnchoredHead[]; signedAt: Date }): ChainAnchor {
  const body: ChainAnchorBody = { service: content.service, schema: content.schema, keyId: key.keyId, signedAt: content.signedAt.toISOString(), heads: content.heads };
  return { ...body, signature: sign(null, anchorSigningInput(body), key.privateKey).toString('base64') };
}

export type AnchorCheck = { ok: true } | { ok: false; reason: string };

/** whether a trusted key (chosen by the anchor's key id, never taken from the anchor) signed exactly this anchor */
export function verifyAnchor(anchor: ChainAnchor, trusted: TrustedKeys): AnchorCheck {
  const key = trusted.get(anchor.keyId);
  if (!key) return { ok: false, reason: `anchor signed with key ${anchor.keyId}, which is not trusted` };
  const signature = Buffer.from(anchor.signature ?? '', 'base64');
  return verify(null, anchorSigningInput(anchor), key, signature) ? { ok: true } : { ok: false, reason: 'anchor signature does not match' };
}
