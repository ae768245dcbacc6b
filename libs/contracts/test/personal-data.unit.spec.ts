import {
  caseEvents,
  ERASED,
  eventCatalogue,
  leadEvents,
  maskAt,
  maskName,
  maskPersonalData,
  maskPersonalValue,
  maskPhone,
  maskWechat,
  sheetEvents,
  visitEvents,
} from '@support/contracts';

describe('masking personal data for analysts', () => {
  it.each([
    ['+86 138 0013 8000', '+86 138 ****8000'],
    ['+8613800138000', '+86138****8000'],
    ['13800138000', '138****8000'],
    ['138-0013-8000', '138-****8000'],
    ['010 8888 6666', '010 ****6666'],
    ['88886666', '****6666'],
    ['12345', '****45'],
    ['7', '****'],
    ['no digits', '****'],
  ])('phone %s -> %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  it('never shows more than the last four digits of a number and the prefix beyond eight digits', () => {
    for (const phone of ['+86 138 0013 8000', '13800138000', '88886666']) {
      const shown = maskPhone(phone).replace(/\D/g, '');
      expect(shown.length).toBeLessThanOrEqual(phone.replace(/\D/g, '').length - 4);
    }
  });

  it.each([
    ['wx_zhang12', 'wx****12'],
    ['live_studio_88', 'li****88'],
    ['abcd', 'a****d'],
    ['ab', '****'],
    ['微信号码九九', '微信****九九'],
  ])('WeChat id %s -> %s', (wechat, masked) => {
    expect(maskWechat(wechat)).toBe(masked);
  });

  it.each([
    ['王女士', '王*'],
    ['欧阳娜娜', '欧*'],
    ['Zhang Wei', 'Z*'],
    ['', '*'],
  ])('name %s -> %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it('masks by the field a pointer names, hides anything else whole, and leaves an erased value as it is', () => {
    expect(maskPersonalValue('/customer/phone', '13800138000')).toBe('138****8000');
    expect(maskPersonalValue('/contact/wechat', 'wx_zhang12')).toBe('wx****12');
    expect(maskPersonalValue('/name', '王女士')).toBe('王*');
    expect(maskPersonalValue('/signature/signerName', '王女士')).toBe('王*');
    expect(maskPersonalValue('/address', '上海市徐汇区漕溪北路 1 号')).toBe('****');
    expect(maskPersonalValue('/location', { latitude: 31.19, longitude: 121.43 })).toBe('****');
    expect(maskPersonalValue('/customerHandle', '@zhang')).toBe('****');
    expect(maskPersonalValue('/phone', 13800138000)).toBe('****');
    expect(maskPersonalValue('/phone', ERASED)).toBe(ERASED);
  });

  it('masks the pointers of a payload in a copy, leaving absent fields absent', () => {
    const data = { customerId: 'c-1', customer: { name: '王女士', phone: '+86 138 0013 8000' } };
    expect(maskAt(data, ['/customer/name', '/customer/phone', '/customer/wechat'])).toEqual({ customerId: 'c-1', customer: { name: '王*', phone: '+86 138 ****8000' } });
    expect(data.customer.name).toBe('王女士');
  });

  it("masks an event's data by its catalogue entry: ticket received, customer registered, lead converted", () => {
    const customer = { name: '王女士', phone: '+86 138 0013 8000', wechat: 'wx_wang88' };
    const masked = { name: '王*', phone: '+86 138 ****8000', wechat: 'wx****88' };
    expect(maskPersonalData(eventCatalogue, 'support.ticket.received.v1', { ticketId: 't', customer, problem: 'p' })).toEqual({ ticketId: 't', customer: masked, problem: 'p' });
    expect(maskPersonalData(eventCatalogue, 'support.customer.registered.v1', { customerId: 'c', ...customer })).toEqual({ customerId: 'c', ...masked });
    expect(maskPersonalData(eventCatalogue, 'support.lead.converted.v1', { leadId: 'l', customer })).toEqual({ leadId: 'l', customer: masked });
    const contacted = { ticketId: 't', channel: 'phone' };
    expect(maskPersonalData(eventCatalogue, 'support.ticket.contacted.v1', contacted)).toBe(contacted);
  });

  it("masks a visit's address and signature, a sheet's customer and signer, and a lead's handle and contact", () => {
    const signature = { signerName: '王女士', mediaType: 'image/png', sha256: 'a'.repeat(64), imageBase64: 'iVBORw0KGgo=' };
    expect(maskPersonalData(eventCatalogue, 'support.visit.signed.v1', { visitId: 'v', signature })).toEqual({
      visitId: 'v',
      signature: { ...signature, signerName: '王*', imageBase64: '****' },
    });
    expect(maskPersonalData(eventCatalogue, 'support.visit.scheduled.v1', { visitId: 'v', address: '上海市徐汇区' })).toEqual({ visitId: 'v', address: '****' });
    const contents = { customer: { name: '王女士', contact: '+86 138 0013 8000' }, device: 'Canon EOS R5' };
    expect(maskPersonalData(eventCatalogue, 'support.sheet.submitted.v1', { sheetId: 's', contents, customerSignature: { signerName: '王女士', sha256: 'b' } })).toEqual({
      sheetId: 's',
      contents: { customer: { name: '王*', contact: '****' }, device: 'Canon EOS R5' },
      customerSignature: { signerName: '王*', sha256: 'b' },
    });
    expect(maskPersonalData(eventCatalogue, 'support.lead.captured.v1', { leadId: 'l', customerHandle: '直播小白兔', contact: { phone: '13800138000' } })).toEqual({
      leadId: 'l',
      customerHandle: '****',
      contact: { phone: '138****8000' },
    });
  });
});

describe("the catalogue's personal-data marks", () => {
  const marks = (definitions: ReadonlyArray<{ type: string; personalData?: string[] }>) =>
    Object.fromEntries(definitions.filter((d) => d.personalData).map((d) => [d.type, d.personalData]));

  it("marks where visits, sheets and leads keep the customer's data", () => {
    expect(marks(visitEvents)).toEqual({
      'support.visit.scheduled.v1': ['/address'],
      'support.visit.rescheduled.v1': ['/address'],
      'support.visit.checked-in.v1': ['/location'],
      'support.visit.signed.v1': ['/signature/signerName', '/signature/imageBase64'],
    });
    const contents = ['/contents/customer/name', '/contents/customer/contact'];
    expect(marks(sheetEvents)).toEqual({
      'support.sheet.drafted.v1': contents,
      'support.sheet.revised.v1': contents,
      'support.sheet.submitted.v1': [...contents, '/customerSignature/signerName'],
      'support.sheet.approved.v1': [...contents, '/customerSignature/signerName'],
    });
    expect(marks(leadEvents)).toEqual({
      'support.lead.captured.v1': ['/customerHandle', '/contact/phone', '/contact/wechat'],
      'support.lead.converted.v1': ['/customer/name', '/customer/phone', '/customer/wechat'],
    });
  });

  it('marks nothing in cases: the knowledge base files a sheet without its customer', () => {
    expect(marks(caseEvents)).toEqual({});
    expect(caseEvents.flatMap((definition) => Object.keys((definition.schema as { properties: object }).properties))).not.toContain('customer');
  });
});
