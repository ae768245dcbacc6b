import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { NewEvent } from '@support/contracts';
import {
  auditStream,
  chainHash,
  GENESIS_HASH,
  HashScheme,
  keyIdOf,
  loadSigningKey,
  signAnchor,
  signingKeyFromPem,
  trustedKeysFromPem,
  verifyAgainstAnchors,
  verifyAnchor,
  verifyChain,
} from '@support/event-store';

const event = (n: number): NewEvent => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  type: 'support.ticket.contacted.v1',
  data: { n },
  metadata: { actor: { id: 'a', role: 'agent' } },
  occurredAt: new Date(Date.UTC(2026, 0, n)),
});
const newKey = () => signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));

/** a stream of `schemes.length` events, each hashed with its scheme */
function chainOf(schemes: HashScheme[], streamType = 'ticket') {
  let prevHash = GENESIS_HASH;
  return schemes.map((scheme, i) => {
    const link = { streamId: 's-1', streamType, version: i + 1, event: event(i + 1), scheme, prevHash, hash: '' };
    link.hash = chainHash(prevHash, link);
    prevHash = link.hash;
    return link;
  });
}

describe('hash schemes', () => {
  it('keeps scheme 1 byte for byte what stored events were hashed with', () => {
    const e = event(1);
    const old = createHash('sha256')
      .update(GENESIS_HASH)
      .update(canonicalize({ streamId: 's-1', version: 1, id: e.id, type: e.type, data: e.data, metadata: e.metadata, occurredAt: e.occurredAt.toISOString() })!)
      .digest('hex');
    expect(chainHash(GENESIS_HASH, { streamId: 's-1', streamType: 'ticket', version: 1, event: e, scheme: 1 })).toBe(old);
  });

  it('covers the stream type from scheme 2 on', () => {
    const content = { streamId: 's-1', version: 1, event: event(1) };
    expect(chainHash(GENESIS_HASH, { ...content, streamType: 'ticket', scheme: 2 })).not.toBe(chainHash(GENESIS_HASH, { ...content, streamType: 'customer', scheme: 2 }));
    expect(chainHash(GENESIS_HASH, { ...content, streamType: 'ticket', scheme: 1 })).toBe(chainHash(GENESIS_HASH, { ...content, streamType: 'customer', scheme: 1 }));
  });

  it('verifies a stream whose old events are scheme 1 and new ones scheme 2, and refuses a stream type changed or a scheme gone back', () => {
    expect(verifyChain(chainOf([1, 1, 2, 2]))).toEqual({ valid: true, length: 4 });
    const retyped = chainOf([1, 2, 2]).map((link) => (link.version === 2 ? { ...link, streamType: 'customer' } : link));
    expect(verifyChain(retyped)).toEqual({ valid: false, brokenAt: 2, length: 3 });
    expect(verifyChain(chainOf([2, 1]))).toEqual({ valid: false, brokenAt: 2, length: 2 });
  });
});

describe('chain anchors', () => {
  const key = newKey();
  const heads = [{ streamId: 's-1', streamType: 'ticket', version: 3, hash: 'a'.repeat(64) }];
  const anchor = signAnchor(key, { service: 'intake', schema: 'intake', heads, signedAt: new Date('2026-01-01T00:00:00Z') });
  const trusted = trustedKeysFromPem(key.publicKey.export({ type: 'spki', format: 'pem' }) as string);

  it('verifies an anchor signed by a trusted key', () => {
    expect(anchor.keyId).toBe(keyIdOf(key.publicKey));
    expect(verifyAnchor(anchor, trusted)).toEqual({ ok: true });
  });

  it('refuses an anchor changed after signing, one signed by another key, and one of a key not trusted', () => {
    expect(verifyAnchor({ ...anchor, heads: [{ ...heads[0], version: 2 }] }, trusted)).toEqual({ ok: false, reason: 'anchor signature does not match' });
    expect(verifyAnchor({ ...anchor, schema: 'routing' }, trusted).ok).toBe(false);
    // another key claiming the trusted key's id
    const forged = { ...signAnchor(newKey(), { service: 'intake', schema: 'intake', heads, signedAt: new Date() }), keyId: key.keyId };
    expect(verifyAnchor(forged, trusted)).toEqual({ ok: false, reason: 'anchor signature does not match' });
    const other = signAnchor(newKey(), { service: 'intake', schema: 'intake', heads, signedAt: new Date() });
    expect(verifyAnchor(other, trusted)).toEqual({ ok: false, reason: `anchor signed with key ${other.keyId}, which is not trusted` });
  });

  it('tells a rewritten chain (anchored hash differs) and a cut one (fewer events than anchored)', () => {
    const chain = chainOf([2, 2, 2]);
    const anchored = [
      { version: 2, hash: chain[1].hash },
      { version: 3, hash: chain[2].hash },
    ];
    expect(verifyAgainstAnchors(verifyChain(chain), chain, anchored)).toEqual({ valid: true, length: 3, anchoredVersion: 3 });
    // rewritten from event 3 on, every hash recomputed: the chain alone verifies
    const rewritten = chainOf([2, 2, 2]).map((link) => ({ ...link }));
    rewritten[2].event = { ...rewritten[2].event, data: { n: 99 } };
    rewritten[2].hash = chainHash(rewritten[1].hash, rewritten[2]);
    expect(verifyChain(rewritten).valid).toBe(true);
    expect(verifyAgainstAnchors(verifyChain(rewritten), rewritten, anchored)).toEqual({ valid: false, length: 3, anchoredVersion: 3, brokenAt: 3 });
    const cut = chain.slice(0, 1);
    expect(verifyAgainstAnchors(verifyChain(cut), cut, anchored)).toEqual({ valid: false, length: 1, anchoredVersion: 3, missing: 2 });
    expect(auditStream('s-1', cut, [{ ...heads[0], version: 3, hash: chain[2].hash }]).verdict).toBe('missing events');
    expect(auditStream('s-1', chain, []).verdict).toBe('not anchored');
  });
});

describe('the signing key', () => {
  it('is required outside development and test, naming the variable', () => {
    expect(() => loadSigningKey('intake', { NODE_ENV: 'production' })).toThrow(/AUDIT_SIGNING_KEY_FILE/);
    expect(() => loadSigningKey('intake', {})).toThrow(/AUDIT_SIGNING_KEY_FILE/);
  });

  it('is generated once into .data/audit/<service>.pem in development, and taken from AUDIT_SIGNING_KEY when given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-keys-'));
    try {
      const first = loadSigningKey('intake', { NODE_ENV: 'development' }, dir);
      expect(loadSigningKey('intake', { NODE_ENV: 'development' }, dir).keyId).toBe(first.keyId);
      const given = newKey();
      const pem = given.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      expect(loadSigningKey('intake', { NODE_ENV: 'production', AUDIT_SIGNING_KEY: pem }, dir).keyId).toBe(given.keyId);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
