import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ERASED, updateAt } from '@support/contracts';

// crypto-shredding: each customer's personal values are sealed with a data key of their own
// (AES-256-GCM); destroying the key erases them everywhere the ciphertext went, with nothing rewritten

/** A customer's data key: 32 random bytes. `null` once destroyed (the customer was erased). */
export type DataKey = Buffer;

/**
 * The mark of a sealed value, so a reader tells it from a clear one recorded before sealing existed.
 * Anyone can type it, so it never decides what gets sealed: every personal value is (sealAt).
 */
export const SEALED_PREFIX = 'sealed:v1:';

const IV_BYTES = 12;
const TAG_BYTES = 16;
// base64url characters, at least as many as an empty value's iv and tag take
const SEALED_BODY = new RegExp(`^[A-Za-z0-9_-]{${Math.ceil(((IV_BYTES + TAG_BYTES) * 4) / 3)},}$`);

export function newDataKey(): DataKey {
  return randomBytes(32);
}

/**
 * Whether a stored value is a sealed one: the prefix and a body sealValue could have written. Since every
 * value is sealed, only a clear value stored before that (before sealing, or by a version that skipped
 * values looking sealed) can carry the prefix; one that cannot be ciphertext is read as the clear value it is.
 */
export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(SEALED_PREFIX) && SEALED_BODY.test(value.slice(SEALED_PREFIX.length));
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

/**
 * `data` with the string at each pointer sealed (absent ones stay absent), in a copy. Unconditionally: a
 * customer named `sealed:v1:...` is sealed like anyone, so the value opens to exactly what they typed.
 * Data is sealed once, as decided, on its way to the store: never pass it stored (sealed) data.
 */
export function sealAt(data: unknown, pointers: readonly string[], key: DataKey): unknown {
  return pointers.reduce((sealed, pointer) => updateAt(sealed, pointer, (value) => (typeof value === 'string' ? sealValue(key, value) : value)), data);
}

/** `data` with the value at each pointer opened (see openValue), in a copy */
export function openAt(data: unknown, pointers: readonly string[], key: DataKey | null | undefined): unknown {
  return pointers.reduce((opened, pointer) => updateAt(opened, pointer, (value) => openValue(key, value)), data);
}
