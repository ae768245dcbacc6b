import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyEncryptionKey, loadKeyEncryptionKey } from './key-encryption-key';

describe('the key-encryption key', () => {
  const kek = new KeyEncryptionKey(randomBytes(32));
  const dataKey = randomBytes(32);

  it('wraps a data key so only the same key opens it, for the same subject', () => {
    const wrapped = kek.wrap('customer-1', dataKey);
    expect(wrapped.includes(dataKey)).toBe(false);
    expect(kek.unwrap('customer-1', wrapped).equals(dataKey)).toBe(true);
    // a wrapped key copied to another subject's row does not open there
    expect(() => kek.unwrap('customer-2', wrapped)).toThrow();
    expect(() => new KeyEncryptionKey(randomBytes(32)).unwrap('customer-1', wrapped)).toThrow();
  });

  it('is named by an id that changes with the key', () => {
    expect(kek.id).toMatch(/^[0-9a-f]{16}$/);
    expect(new KeyEncryptionKey(randomBytes(32)).id).not.toBe(kek.id);
  });

  it('derives a key per purpose: the same for the same key and purpose, another for another, never the key itself', () => {
    const key = randomBytes(32);
    const derived = new KeyEncryptionKey(key).derive('lead contacts');
    expect(derived).toHaveLength(32);
    expect(derived.equals(key)).toBe(false);
    expect(new KeyEncryptionKey(key).derive('lead contacts').equals(derived)).toBe(true);
    expect(new KeyEncryptionKey(key).derive('customer contacts').equals(derived)).toBe(false);
    expect(new KeyEncryptionKey(randomBytes(32)).derive('lead contacts').equals(derived)).toBe(false);
    expect(() => kek.derive(' ')).toThrow('purpose');
  });

  describe('loaded from the environment', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kek-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('is required outside development and test, naming the variable', () => {
      expect(() => loadKeyEncryptionKey({ NODE_ENV: 'production' }, dir)).toThrow(/PERSONAL_DATA_KEK_FILE/);
      expect(() => loadKeyEncryptionKey({}, dir)).toThrow(/PERSONAL_DATA_KEK_FILE/);
    });

    it('is read from PERSONAL_DATA_KEK_FILE or PERSONAL_DATA_KEK, and must be 32 bytes', () => {
      const key = randomBytes(32);
      const file = join(dir, 'kek');
      writeFileSync(file, `${key.toString('base64')}\n`);
      const fromFile = loadKeyEncryptionKey({ NODE_ENV: 'production', PERSONAL_DATA_KEK_FILE: file }, dir);
      expect(fromFile.id).toBe(new KeyEncryptionKey(key).id);
      expect(loadKeyEncryptionKey({ NODE_ENV: 'production', PERSONAL_DATA_KEK: key.toString('base64') }, dir).id).toBe(fromFile.id);
      expect(() => loadKeyEncryptionKey({ NODE_ENV: 'production', PERSONAL_DATA_KEK: randomBytes(16).toString('base64') }, dir)).toThrow(/32 random bytes/);
    });

    it('is made once into .data/personal-data/kek in development, and kept', () => {
      const first = loadKeyEncryptionKey({ NODE_ENV: 'development' }, dir);
      expect(loadKeyEncryptionKey({ NODE_ENV: 'test' }, dir).id).toBe(first.id);
      expect(Buffer.from(readFileSync(join(dir, '.data', 'personal-data', 'kek'), 'utf8'), 'base64')).toHaveLength(32);
    });
  });
});
