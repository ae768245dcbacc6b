import { ERASED } from '@support/contracts';
import { isSealed, newDataKey, openAt, openValue, SEALED_PREFIX, sealAt, sealedSubject, sealValue } from './sealed-values';

describe('sealing personal values (AES-256-GCM, a key per customer)', () => {
  const key = newDataKey();
  const subject = '5f0c7a52-3d1e-4c59-9a57-2b8f0e6d4c11';

  it('seals a value so it opens with its key only, differently each time', () => {
    const sealed = sealValue(key, '+86 138 0013 8000', subject);
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('0013');
    expect(sealValue(key, '+86 138 0013 8000', subject)).not.toBe(sealed);
    expect(openValue(key, sealed)).toBe('+86 138 0013 8000');
    expect(() => openValue(newDataKey(), sealed)).toThrow();
  });

  it('reads a sealed value as [erased] once the key is gone, and a value never sealed as it is', () => {
    expect(openValue(null, sealValue(key, '王女士', subject))).toBe(ERASED);
    expect(openValue(undefined, sealValue(key, '王女士', subject))).toBe(ERASED);
    expect(openValue(null, '王女士')).toBe('王女士');
  });

  it('names the subject whose key opens it, and binds the value to that subject', () => {
    const sealed = sealValue(key, '王女士', subject);
    expect(sealed.startsWith(`${SEALED_PREFIX}${subject}:`)).toBe(true);
    expect(sealedSubject(sealed)).toBe(subject);
    const moved = sealed.replace(subject, '0b9d3c1e-7a44-4f0e-8a2b-6c5d4e3f2a10');
    expect(isSealed(moved)).toBe(true);
    expect(() => openValue(key, moved)).toThrow();
    expect(() => sealValue(key, '王女士', 'not-a-uuid')).toThrow('UUID');
  });

  it('refuses a sealed value altered after sealing', () => {
    const sealed = sealValue(key, 'wx_wang12', subject);
    // one base64url character of the ciphertext changed (the next-to-last: the last may carry unused bits)
    const at = sealed.length - 2;
    const flipped = `${sealed.slice(0, at)}${sealed[at] === 'A' ? 'B' : 'A'}${sealed.slice(at + 1)}`;
    expect(flipped).not.toBe(sealed);
    expect(() => openValue(key, flipped)).toThrow();
  });

  it('seals and opens the values at pointers, leaving the rest and absent ones alone', () => {
    const data = { ticketId: 't-1', customerId: 'c-1', customer: { name: '王女士', wechat: 'wx_wang12' } };
    const pointers = ['/customer/name', '/customer/phone', '/customer/wechat'];
    const sealed = sealAt(data, pointers, key, subject) as typeof data;
    expect(sealed).toMatchObject({ ticketId: 't-1', customerId: 'c-1' });
    expect(Object.keys(sealed.customer)).toEqual(['name', 'wechat']);
    expect(JSON.stringify(sealed)).not.toMatch(/王女士|wx_wang12/);
    expect(openAt(sealed, pointers, key)).toEqual(data);
    expect(openAt(sealed, pointers, null)).toEqual({ ...data, customer: { name: ERASED, wechat: ERASED } });
  });

  it("seals a value that is not text (a site's coordinates) as its JSON, and opens it to the same value", () => {
    const data = { visitId: 'v-1', location: { latitude: 31.19, longitude: 121.43 } };
    const sealed = sealAt(data, ['/location'], key, subject) as { location: unknown };
    expect(isSealed(sealed.location)).toBe(true);
    expect(JSON.stringify(sealed)).not.toMatch(/31\.19|121\.43/);
    expect(openAt(sealed, ['/location'], key)).toEqual(data);
    expect(openAt(sealed, ['/location'], null)).toEqual({ ...data, location: ERASED });
    expect(sealAt({ location: null }, ['/location'], key, subject)).toEqual({ location: null });
    // text that starts like a sealed JSON value still opens as the text it was
    for (const text of ['\u0000{"latitude":1}', '{"latitude":1}', '']) expect(openValue(key, sealValue(key, text, subject))).toBe(text);
  });

  describe('a customer whose values look sealed', () => {
    const pointers = ['/customer/name', '/customer/phone', '/customer/wechat'];
    const lookalikes = [SEALED_PREFIX, `${SEALED_PREFIX}王女士`, `${SEALED_PREFIX}${'A'.repeat(60)}`, sealValue(newDataKey(), 'someone else', subject)];

    it.each(lookalikes)('seals %s like any value, and opens it to exactly that, on every personal field', (typed) => {
      const data = { customerId: 'c-1', customer: { name: typed, phone: typed, wechat: typed } };
      const sealed = sealAt(data, pointers, key, subject) as typeof data;
      for (const value of Object.values(sealed.customer)) {
        expect(isSealed(value)).toBe(true);
        expect(value).not.toBe(typed);
      }
      expect(openAt(sealed, pointers, key)).toEqual(data);
      expect(openAt(sealed, pointers, null)).toEqual({ ...data, customer: { name: ERASED, phone: ERASED, wechat: ERASED } });
    });

    it("still opens a v1 value, which names no subject (intake's first: the key of the customer its event names)", () => {
      const storedKey = Buffer.alloc(32, 7);
      const v1 = 'sealed:v1:WZ8AZS2ZejYwZO11NL6RThRQj1xfee_8jlZjZ5FfCewJccx4xw';
      expect(isSealed(v1)).toBe(true);
      expect(sealedSubject(v1)).toBeUndefined();
      expect(openValue(storedKey, v1)).toBe('王女士');
    });

    it('reads a lookalike stored clear by the version that skipped them as the clear value, where it cannot be ciphertext', () => {
      expect(openValue(key, SEALED_PREFIX)).toBe(SEALED_PREFIX);
      expect(openValue(key, `${SEALED_PREFIX}王女士`)).toBe(`${SEALED_PREFIX}王女士`);
      expect(openValue(key, `${SEALED_PREFIX}short`)).toBe(`${SEALED_PREFIX}short`);
    });
  });
});
