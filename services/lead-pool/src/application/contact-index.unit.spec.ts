import { randomBytes } from 'node:crypto';
import { ContactIndex } from './contact-index';

describe('the contact index', () => {
  const index = new ContactIndex(randomBytes(32));

  it('gives equal contacts equal digests, and holds nothing of the value', () => {
    const digests = index.of({ phone: '+86 139 1234 5678', wechat: 'wx_wang12' });
    expect(digests.phone).toHaveLength(32);
    expect(index.of({ phone: '+86 139 1234 5678' }).phone?.equals(digests.phone!)).toBe(true);
    expect(index.of({ wechat: 'wx_wang12' }).wechat?.equals(digests.wechat!)).toBe(true);
    expect(index.of({ phone: '+86 139 1234 5679' }).phone?.equals(digests.phone!)).toBe(false);
    expect(digests.phone!.toString('latin1')).not.toContain('5678');
  });

  it('tells a phone from a WeChat id that reads the same, and depends on the key', () => {
    const same = index.of({ phone: '13912345678', wechat: '13912345678' });
    expect(same.phone?.equals(same.wechat!)).toBe(false);
    expect(new ContactIndex(randomBytes(32)).of({ phone: '13912345678' }).phone?.equals(same.phone!)).toBe(false);
  });

  it('has no digest for an absent, erased or non-text value', () => {
    expect(index.of({})).toEqual({});
    expect(index.of({ phone: '[erased]', wechat: undefined })).toEqual({});
    expect(index.of({ phone: 42, wechat: '' })).toEqual({});
    expect(() => new ContactIndex(randomBytes(16))).toThrow('32 bytes');
  });
});
