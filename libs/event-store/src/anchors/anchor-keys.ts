import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { developmentKeyFile } from './development-key-file';

/** A service's anchor-signing key (never in the database) and its id. */
export interface AnchorSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

/** public keys an anchor may be signed with, by key id */
export type TrustedKeys = ReadonlyMap<string, KeyObject>;

type Env = Record<string, string | undefined>;

const DEV_ENVS = ['development', 'test'];

/** the first 16 hex digits of sha256 over the public key's SPKI DER: short, and changes with the key */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export function signingKeyFromPem(pem: string | Buffer): AnchorSigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the audit signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/**
 * The key from `AUDIT_SIGNING_KEY_FILE` (a PEM file) or `AUDIT_SIGNING_KEY` (PEM text). In development and
 * test, without either, a key generated once into `.data/audit/<service>.pem`; anywhere else, no key is an error.
 */
export function loadSigningKey(service: string, env: Env = process.env, cwd = process.cwd()): AnchorSigningKey {
  if (env.AUDIT_SIGNING_KEY_FILE?.trim()) return signingKeyFromPem(readFileSync(env.AUDIT_SIGNING_KEY_FILE.trim()));
  if (env.AUDIT_SIGNING_KEY?.trim()) return signingKeyFromPem(env.AUDIT_SIGNING_KEY.replace(/\\n/g, '\n'));
  if (!DEV_ENVS.includes(env.NODE_ENV ?? '')) {
    throw new Error('AUDIT_SIGNING_KEY_FILE (or AUDIT_SIGNING_KEY) is required outside development and test: the Ed25519 key that signs chain anchors');
  }
  return signingKeyFromPem(
    developmentKeyFile(join(cwd, '.data', 'audit', `${service}.pem`), () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
  );
}

/**
 * The public keys anchors are checked with: every PEM public key in `AUDIT_PUBLIC_KEYS_FILE` (old keys kept
 * there after a rotation), else the signing key's own. Never a key from the database or the topic.
 */
export function loadTrustedKeys(env: Env = process.env, signingKey?: AnchorSigningKey): TrustedKeys {
  if (env.AUDIT_PUBLIC_KEYS_FILE?.trim()) return trustedKeysFromPem(readFileSync(env.AUDIT_PUBLIC_KEYS_FILE.trim(), 'utf8'));
  if (!signingKey) throw new Error('AUDIT_PUBLIC_KEYS_FILE is required: the public keys chain anchors are checked with');
  return new Map([[signingKey.keyId, signingKey.publicKey]]);
}

/** every `-----BEGIN PUBLIC KEY-----` block of a PEM text, by key id */
export function trustedKeysFromPem(text: string): TrustedKeys {
  const blocks = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
  if (blocks.length === 0) throw new Error('no PEM public key found in the audit public keys');
  const keys = blocks.map((block) => createPublicKey(block));
  for (const key of keys) if (key.asymmetricKeyType !== 'ed25519') throw new Error(`audit public keys must be Ed25519, not ${key.asymmetricKeyType}`);
  return new Map(keys.map((key) => [keyIdOf(key), key]));
}
