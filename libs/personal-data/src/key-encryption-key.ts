import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { developmentKeyFile } from '@support/event-store';

type Env = Record<string, string | undefined>;

const DEV_ENVS = ['development', 'test'];
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The key-encryption key: every data key is stored wrapped with it (AES-256-GCM, the subject's id as
 * associated data, so a wrapped key moved to another subject's row does not open). It lives outside the
 * database: a stolen dump or backup holds no data key it can use.
 */
export class KeyEncryptionKey {
  /** the first 16 hex digits of sha256 over the key: stored beside each wrapped key, to tell keys apart after a rotation */
  readonly id: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`the personal-data key-encryption key must be ${KEY_BYTES} bytes, not ${key.length}`);
    this.id = createHash('sha256').update(key).digest('hex').slice(0, 16);
  }

  /**
   * A key of its own for one purpose (e.g. a blind index's HMAC), derived with HKDF-SHA256: as secret as
   * this key and kept nowhere, and telling nothing of it or of a key derived for another purpose. It changes
   * with a rotation of this key, so what was made with it must be made again then.
   */
  derive(purpose: string): Buffer {
    if (!purpose.trim()) throw new Error('a derived key needs a purpose');
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `support personal-data: ${purpose}`, KEY_BYTES));
  }

  /** iv | tag | ciphertext of the data key */
  wrap(subjectId: string, dataKey: Buffer): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(subjectId));
    const sealed = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
  }

  /** the data key; throws when the wrapped key was not wrapped for this subject with this key */
  unwrap(subjectId: string, wrapped: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.key, wrapped.subarray(0, IV_BYTES)).setAAD(Buffer.from(subjectId));
    decipher.setAuthTag(wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  }
}

/**
 * The key from `PERSONAL_DATA_KEK_FILE` (a file holding 32 random bytes in base64, e.g. `openssl rand -base64 32`)
 * or `PERSONAL_DATA_KEK` (the same base64 text). In development and test, without either, a key generated once
 * into `.data/personal-data/kek`; anywhere else, no key is an error naming the variable.
 */
export function loadKeyEncryptionKey(env: Env = process.env, cwd = process.cwd()): KeyEncryptionKey {
  if (env.PERSONAL_DATA_KEK_FILE?.trim()) return fromBase64(readFileSync(env.PERSONAL_DATA_KEK_FILE.trim(), 'utf8'), 'PERSONAL_DATA_KEK_FILE');
  if (env.PERSONAL_DATA_KEK?.trim()) return fromBase64(env.PERSONAL_DATA_KEK, 'PERSONAL_DATA_KEK');
  if (!DEV_ENVS.includes(env.NODE_ENV ?? '')) {
    throw new Error('PERSONAL_DATA_KEK_FILE (or PERSONAL_DATA_KEK) is required outside development and test: the key that wraps every customer data key');
  }
  return fromBase64(
    developmentKeyFile(join(cwd, '.data', 'personal-data', 'kek'), () => randomBytes(KEY_BYTES).toString('base64')),
    'the development key-encryption key',
  );
}

function fromBase64(text: string, source: string): KeyEncryptionKey {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`${source} must hold ${KEY_BYTES} random bytes in base64 (openssl rand -base64 32), not ${key.length} bytes`);
  return new KeyEncryptionKey(key);
}
