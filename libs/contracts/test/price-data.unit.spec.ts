import { eventCatalogue, removeAt, updateAt, valueAt, withoutPrices } from '@support/contracts';

describe('JSON pointers into event data', () => {
  const data = { ticketId: 't-1', customer: { name: '王女士', phone: '+86 138 0013 8000' }, 'a/b': { '~c': 1 } };

  it('reads a field, an escaped one, and nothing where there is nothing', () => {
    expect(valueAt(data, '/customer/phone')).toBe('+86 138 0013 8000');
    expect(valueAt(data, '/a~1b/~0c')).toBe(1);
    expect(valueAt(data, '/customer/wechat')).toBeUndefined();
    expect(valueAt(data, '/ticketId/length')).toBeUndefined();
  });

  it('rewrites and removes a field in a copy, leaving the original and absent fields alone', () => {
    expect(updateAt(data, '/customer/name', (name) => `${String(name)[0]}*`)).toEqual({ ...data, customer: { name: '王*', phone: '+86 138 0013 8000' } });
    expect(removeAt(data, '/customer/phone')).toEqual({ ...data, customer: { name: '王女士' } });
    expect(removeAt(data, '/customer/wechat')).toBe(data);
    expect(updateAt(data, '/nothing/here', () => 'x')).toBe(data);
    expect(data.customer).toEqual({ name: '王女士', phone: '+86 138 0013 8000' });
  });
});

describe('prices, hidden from contractors', () => {
  it('removes the quote terms of every event the catalogue marks, and nothing else', () => {
    const ticketId = 't-1';
    expect(withoutPrices(eventCatalogue, 'support.ticket.quoted.v1', { ticketId, amount: 28000, currency: 'CNY', note: '含上门费' })).toEqual({ ticketId });
    expect(withoutPrices(eventCatalogue, 'support.ticket.quote-accepted.v1', { ticketId, amount: 28000, currency: 'CNY' })).toEqual({ ticketId });
    expect(withoutPrices(eventCatalogue, 'support.ticket.quote-declined.v1', { ticketId, reason: '太贵了' })).toEqual({ ticketId });
    const contacted = { ticketId, channel: 'phone', contactedAt: '2026-11-23T01:00:00.000Z', note: 'called' };
    expect(withoutPrices(eventCatalogue, 'support.ticket.contacted.v1', contacted)).toBe(contacted);
  });

  it('marks only fields that exist in the schema', () => {
    for (const definition of eventCatalogue.all()) {
      for (const pointer of [...(definition.priceData ?? []), ...(definition.personalData ?? [])]) {
        let schema = definition.schema as { properties?: Record<string, unknown> } | undefined;
        for (const key of pointer.split('/').slice(1)) schema = schema?.properties?.[key] as typeof schema;
        expect([definition.type, pointer, schema !== undefined]).toEqual([definition.type, pointer, true]);
      }
    }
  });
});
