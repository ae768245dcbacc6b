import { ERASED } from '@support/contracts';
import { isSealed, newDataKey, openAt, openValue, SEALED_PREFIX, sealAt, sealValue } from './sealed-values';

describe('sealing personal values (AES-256-GCM, a key per customer)', () => {
  const key = newDataKey();

  it('seals a value so it opens with its key only, differently each time', () => {
    const sealed = sealValue(key, '+86 138 0013 8000');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('0013');
    expect(sealValue(key, '+86 138 0013 8000')).not.toBe(sealed);
    expect(openValue(key, sealed)).toBe('+86 138 0013 8000');
    expect(() => openValue(newDataKey(), sealed)).toThrow();
  });

  it('reads a sealed value as [erased] once the key is gone, and a value never sealed as it is', () => {
    expect(openValue(null, sealValue(key, '王女士'))).toBe(ERASED);
    expect(openValue(undefined, sealValue(key, '王女士'))).toBe(ERASED);
    expect(openValue(null, '王女士')).toBe('王女士');
  });

  it('refuses a sealed value altered after sealing', () => {
    const sealed = sealValue(key, 'wx_wang12');
    const flipped = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}${sealed.slice(-1)}`;
    expect(() => openValue(key, flipped)).toThrow();
  });

  it('seals and opens the values at pointers, leaving the rest and absent ones alone', () => {
    const data = { ticketId: 't-1', customerId: 'c-1', customer: { name: '王女士', wechat: 'wx_wang12' } };
    const pointers = ['/customer/name', '/customer/phone', '/customer/wechat'];
    const sealed = sealAt(data, pointers, key) as typeof data;
    expect(sealed).toMatchObject({ ticketId: 't-1', customerId: 'c-1' });
    expect(Object.keys(sealed.customer)).toEqual(['name', 'wechat']);
    expect(JSON.stringify(sealed)).not.toMatch(/王女士|wx_wang12/);
    expect(openAt(sealed, pointers, key)).toEqual(data);
    expect(openAt(sealed, pointers, null)).toEqual({ ...data, customer: { name: ERASED, wechat: ERASED } });
  });

  describe('a customer whose values look sealed', () => {
    const pointers = ['/customer/name', '/customer/phone', '/customer/wechat'];
    const lookalikes = [SEALED_PREFIX, `${SEALED_PREFIX}王女士`, `${SEALED_PREFIX}${'A'.repeat(60)}`, sealValue(newDataKey(), 'someone else')];

    it.each(lookalikes)('seals %s like any value, and opens it to exactly that, on every personal field', (typed) => {
      const data = { customerId: 'c-1', customer: { name: typed, phone: typed, wechat: typed } };
      const sealed = sealAt(data, pointers, key) as typeof data;
      for (const value of Object.values(sealed.customer)) {
        expect(isSealed(value)).toBe(true);
        expect(value).not.toBe(typed);
      }
      expect(openAt(sealed, pointers, key)).toEqual(data);
      expect(openAt(sealed, pointers, null)).toEqual({ ...data, customer: { name: ERASED, phone: ERASED, wechat: ERASED } });
    });

    it('still opens a value sealed before sealing became unconditional (same format)', () => {
      const storedKey = Buffer.alloc(32, 7);
      expect(openValue(storedKey, 'sealed:v1:WZ8AZS2ZejYwZO11NL6RThRQj1xfee_8jlZjZ5FfCewJccx4xw')).toBe('王女士');
    });

    it('reads a lookalike stored clear by the version that skipped them as the clear value, where it cannot be ciphertext', () => {
      expect(openValue(key, SEALED_PREFIX)).toBe(SEALED_PREFIX);
      expect(openValue(key, `${SEALED_PREFIX}王女士`)).toBe(`${SEALED_PREFIX}王女士`);
      expect(openValue(key, `${SEALED_PREFIX}short`)).toBe(`${SEALED_PREFIX}short`);
    });
  });
});
