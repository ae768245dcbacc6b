import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ERASED, updateAt } from '@support/contracts';

// crypto-shredding: each customer's personal values are sealed with a data key of their own
// (AES-256-GCM); destroying the key erases them everywhere the ciphertext went, with nothing rewritten

/** A customer's data key: 32 random bytes. `null` once destroyed (the customer was erased). */
export type DataKey = Buffer;

/** the mark of a sealed value, so a reader tells it from a clear one recorded before sealing existed */
export const SEALED_PREFIX = 'sealed:v1:';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function newDataKey(): DataKey {
  return randomBytes(32);
}

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(SEALED_PREFIX);
}

/** `sealed:v1:` + base64url(iv | tag | ciphertext); a fresh iv each time, so equal values seal differently */
export function sealValue(key: DataKey, clear: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
  return `${SEALED_PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')}`;
}

/**
 * The clear value: a sealed one opened with its customer's key, `[erased]` when that key is gone, and
 * a value that was never sealed as it is. A sealed value the key does not open is a bug or tampering: it throws.
 */
export function openValue(key: DataKey | null | undefined, value: unknown): unknown {
  if (!isSealed(value)) return value;
  if (!key) return ERASED;
  const packed = Buffer.from(value.slice(SEALED_PREFIX.length), 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, packed.subarray(0, IV_BYTES));
  decipher.setAuthTag(packed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(packed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}

/** `data` with the string at each pointer sealed (absent ones stay absent), in a copy */
export function sealAt(data: unknown, pointers: readonly string[], key: DataKey): unknown {
  return pointers.reduce((sealed, pointer) => updateAt(sealed, pointer, (value) => (typeof value === 'string' && !isSealed(value) ? sealValue(key, value) : value)), data);
}

/** `data` with the value at each pointer opened (see openValue), in a copy */
export function openAt(data: unknown, pointers: readonly string[], key: DataKey | null | undefined): unknown {
  return pointers.reduce((opened, pointer) => updateAt(opened, pointer, (value) => openValue(key, value)), data);
}
