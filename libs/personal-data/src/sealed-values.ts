import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ERASED, updateAt } from '@support/contracts';

// crypto-shredding: each customer's personal values are sealed with a data key of their own
// (AES-256-GCM); destroying the key erases them everywhere the ciphertext went, with nothing rewritten

/** A customer's data key: 32 random bytes. `null` once destroyed (the customer was erased). */
export type DataKey = Buffer;

/**
 * The mark of a sealed value, so a reader tells it from a clear one recorded before sealing existed.
 * Anyone can type it, so it never decides what gets sealed: every personal value is (sealAt). A v2 value
 * names whose key seals it (`sealed:v2:<subject id>:...`), so any service that may open values opens it
 * without knowing the event it came in; v1 values (intake's first) are the customer's the event names.
 */
export const SEALED_PREFIX = 'sealed:v2:';
const SEALED_V1_PREFIX = 'sealed:v1:';

// the subject ids the keyring keys by
const SUBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  return sealedParts(value) !== undefined;
}

/** whose key a sealed value needs: the subject a v2 value names; undefined for v1 (see SEALED_PREFIX) and clear values */
export function sealedSubject(value: unknown): string | undefined {
  return sealedParts(value)?.subjectId;
}

function sealedParts(value: unknown): { subjectId?: string; body: string } | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.startsWith(SEALED_V1_PREFIX)) {
    const body = value.slice(SEALED_V1_PREFIX.length);
    return SEALED_BODY.test(body) ? { body } : undefined;
  }
  if (!value.startsWith(SEALED_PREFIX)) return undefined;
  const rest = value.slice(SEALED_PREFIX.length);
  const colon = rest.indexOf(':');
  const [subjectId, body] = [rest.slice(0, colon), rest.slice(colon + 1)];
  return colon > 0 && SUBJECT_ID.test(subjectId) && SEALED_BODY.test(body) ? { subjectId: subjectId.toLowerCase(), body } : undefined;
}

/**
 * `sealed:v2:<subject id>:` + base64url(iv | tag | ciphertext); a fresh iv each time, so equal values seal
 * differently. The subject id is bound to the ciphertext (GCM's additional data): a value moved to another
 * subject's name does not open.
 */
export function sealValue(key: DataKey, clear: unknown, subjectId: string): string {
  if (!SUBJECT_ID.test(subjectId)) throw new Error(`a subject id is a UUID: ${subjectId}`);
  const subject = subjectId.toLowerCase();
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(subject, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintextOf(clear), 'utf8'), cipher.final()]);
  return `${SEALED_PREFIX}${subject}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')}`;
}

/**
 * The clear value: a sealed one opened with its customer's key, `[erased]` when that key is gone, and
 * a value that was never sealed as it is. A sealed value the key does not open is a bug or tampering: it throws.
 */
export function openValue(key: DataKey | null | undefined, value: unknown): unknown {
  const sealed = sealedParts(value);
  if (!sealed) return value;
  if (!key) return ERASED;
  const packed = Buffer.from(sealed.body, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, packed.subarray(0, IV_BYTES));
  if (sealed.subjectId) decipher.setAAD(Buffer.from(sealed.subjectId, 'utf8'));
  decipher.setAuthTag(packed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return clearOf(Buffer.concat([decipher.update(packed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8'));
}

// a value that is not text (a site's coordinates) is sealed as its JSON after a NUL, and so is text that
// starts with one: any other text is sealed as it is, so every value opens to exactly what was sealed
const JSON_MARK = '\u0000';

function plaintextOf(clear: unknown): string {
  if (typeof clear === 'string' && !clear.startsWith(JSON_MARK)) return clear;
  const json = JSON.stringify(clear);
  if (json === undefined) throw new Error(`a personal value to seal is text or JSON, not ${typeof clear}`);
  return `${JSON_MARK}${json}`;
}

function clearOf(plaintext: string): unknown {
  return plaintext.startsWith(JSON_MARK) ? JSON.parse(plaintext.slice(JSON_MARK.length)) : plaintext;
}

/**
 * `data` with the value at each pointer (text, or an object such as a site's coordinates) sealed with the
 * subject's key (absent and null ones stay as they are), in a copy. Unconditionally: a customer named
 * `sealed:v2:...` is sealed like anyone, so the value opens to exactly what they typed. Data is sealed
 * once, as decided, on its way to the store: never pass it stored (sealed) data.
 */
export function sealAt(data: unknown, pointers: readonly string[], key: DataKey, subjectId: string): unknown {
  return pointers.reduce((sealed, pointer) => updateAt(sealed, pointer, (value) => (value === undefined || value === null ? value : sealValue(key, value, subjectId))), data);
}

/** `data` with the value at each pointer opened (see openValue), in a copy */
export function openAt(data: unknown, pointers: readonly string[], key: DataKey | null | undefined): unknown {
  return pointers.reduce((opened, pointer) => updateAt(opened, pointer, (value) => openValue(key, value)), data);
}
