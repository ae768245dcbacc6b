import { eventCatalogue, wireSchema } from '@support/contracts';

describe('personal data sealed on the wire', () => {
  const subject = '5f0c7a52-3d1e-4c59-9a57-2b8f0e6d4c11';
  const sealed = (n: number) => `sealed:v2:${subject}:${'A'.repeat(n)}`;

  it('accepts a sealed value in every personal field, however long the clear value may be', () => {
    // a lead's WeChat id is at most 64 characters clear; sealed it is longer
    const data = { leadId: subject, memberId: 'm-1', customer: { name: sealed(80), phone: sealed(60), wechat: sealed(120) }, deviceModel: 'X', problem: 'Y', urgency: 'normal' };
    expect(eventCatalogue.validate('support.lead.converted.v1', data)).toEqual({ ok: true });
    expect(eventCatalogue.validate('support.lead.converted.v1', { ...data, customer: { ...data.customer, wechat: 'x'.repeat(65) } })).toMatchObject({ ok: false });
  });

  it('accepts nothing but its own shape in place of a clear value, and only in personal fields', () => {
    const received = eventCatalogue.all().find((d) => d.type === 'support.lead.converted.v1')!;
    const data = { leadId: subject, memberId: 'm-1', customer: { name: 'n' }, deviceModel: 'X', problem: 'Y', urgency: 'normal' };
    expect(eventCatalogue.validate(received.type, { ...data, deviceModel: sealed(60) })).toEqual({ ok: true }); // a device model is any text
    expect(eventCatalogue.validate(received.type, { ...data, memberId: sealed(120) })).toMatchObject({ ok: false }); // not personal: its own limit
    expect(eventCatalogue.validate(received.type, { ...data, customer: { name: 'n', wechat: `sealed:v2:not-a-subject:${'A'.repeat(80)}` } })).toMatchObject({ ok: false });
  });

  it('widens exactly the personal pointers of every event, and refuses a pointer that names no property', () => {
    for (const definition of eventCatalogue.all()) expect(() => wireSchema(definition)).not.toThrow();
    expect(() => wireSchema({ schema: { type: 'object', properties: { a: { type: 'string' } } }, personalData: ['/b'] })).toThrow('/b');
  });
});
