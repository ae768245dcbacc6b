import { eventCatalogue, EventCatalogue, TICKETS_TOPIC, ticketEvents, TicketEventType } from '@support/contracts';
import { sampleData, TICKET_ID } from '../../test/fixtures/ticket.test-fixtures';

// the ticket event catalogue lives in libs/contracts; intake is its only producer, so its spec lives here

const catalogue = new EventCatalogue(ticketEvents);
const types = ticketEvents.map((d) => d.type);

/** Data that each schema must refuse, beyond the generic cases (extra property, no ticketId, bad uuid). */
const invalidSamples: { [Type in TicketEventType]: Record<string, unknown>[] } = {
  'support.ticket.received.v1': [{ channel: 'fax' }, { urgency: 'soon' }, { requestedAt: 'yesterday' }, { customer: { name: 'x', qq: '1' } }],
  'support.ticket.assigned.v1': [
    { tier: 'L4' },
    { assignee: { id: 'x', role: 'analyst' } },
    { assignee: { id: 'x', role: 'contractor' } },
    { assignee: { id: '', role: 'agent' } },
    { decisionId: 'd-1' },
  ],
  'support.ticket.dispatched-to-contractor.v1': [{ assignee: { id: 'x', role: 'agent' } }, { scenario: '' }],
  'support.ticket.escalation-requested.v1': [{ reason: '' }, { fromTier: 'L0' }],
  'support.ticket.escalated.v1': [{ toTier: 'L9' }, { reason: '' }, { assignee: { id: 'x' } }],
  'support.ticket.contacted.v1': [{ channel: 'telepathy' }, { contactedAt: '2025-13-01T00:00:00Z' }],
  'support.ticket.diagnosed.v1': [{ difficulty: 'impossible' }, { faultCategory: '' }],
  'support.ticket.quoted.v1': [{ amount: -1 }, { amount: 12.5 }, { amount: '100' }, { currency: 'yuan' }],
  'support.ticket.quote-accepted.v1': [{ amount: -100 }],
  'support.ticket.quote-declined.v1': [{ reason: 42 }],
  'support.ticket.on-site-scheduled.v1': [{ visitId: 'visit-1' }, { appointmentAt: 'tomorrow 9am' }],
  'support.ticket.technician-on-site.v1': [{ arrivedAt: '' }],
  'support.ticket.resolved.v1': [{ remote: 'yes' }, { resolution: '' }],
  'support.ticket.feedback-given.v1': [{ satisfaction: 0 }, { satisfaction: 6 }, { satisfaction: 4.5 }],
  'support.ticket.closed.v1': [{ note: 1 }],
  'support.ticket.reopened.v1': [{ reason: '' }],
  'support.ticket.cancelled.v1': [{ reason: '' }],
  'support.ticket.sla-breached.v1': [{ lateByMinutes: -1 }, { dueAt: 'soon' }, { ruleId: '' }],
  'support.ticket.field-service-recorded.v1': [
    { step: 'visit-completed' },
    { at: 'this morning' },
    { visitId: 'visit-1' },
    { sheetId: 'sheet-1' },
    { signatureSha256: 'ABC' },
    { signatureSha256: 'A3F1C9E07B2D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8091A2B3C4D5E6F708192A3B' },
    { signature: { imageBase64: 'iVBORw0KGgo=' } },
  ],
  'support.ticket.field-service-recorded.v2': [
    { step: 'visit-completed' },
    { step: 'sheet-contents' },
    { at: 'this morning' },
    { visitId: 'visit-1' },
    { sheetId: 'sheet-1' },
    { signatureSha256: 'ABC' },
    { contents: { workDone: 'the whole sheet' } },
    { signature: { imageBase64: 'iVBORw0KGgo=' } },
  ],
};

describe('ticket event catalogue', () => {
  it('compiles every schema in ajv strict mode, one definition per type', () => {
    expect(() => new EventCatalogue(ticketEvents)).not.toThrow();
    expect(new Set(types).size).toBe(types.length);
    expect(types).toHaveLength(20);
  });

  it('puts every ticket event on support.tickets.v1 under aggregate ticket, as a described, versioned type', () => {
    for (const definition of ticketEvents) {
      expect(definition.topic).toBe(TICKETS_TOPIC);
      expect(definition.aggregate).toBe('ticket');
      expect(definition.type).toMatch(/^support\.ticket\.[a-z-]+\.v[1-9][0-9]*$/);
      expect(definition.description.length).toBeGreaterThan(10);
      expect(definition.schema).toMatchObject({ type: 'object', additionalProperties: false });
      expect((definition.schema as { required: string[] }).required).toContain('ticketId');
    }
  });

  it('is part of the public catalogue', () => {
    for (const type of types) expect(eventCatalogue.has(type)).toBe(true);
    expect(eventCatalogue.topics()).toContain(TICKETS_TOPIC);
  });

  it('marks where personal data is (name, phone, wechat) and those pointers exist in the schema', () => {
    const received = catalogue.definition('support.ticket.received.v1');
    expect(received.personalData).toEqual(['/customer/name', '/customer/phone', '/customer/wechat']);
    for (const definition of ticketEvents) {
      for (const pointer of definition.personalData ?? []) {
        const path = pointer.split('/').slice(1);
        let schema = definition.schema as { properties?: Record<string, unknown> };
        for (const key of path) schema = schema.properties?.[key] as typeof schema;
        expect(schema).toBeDefined();
      }
    }
  });

  it('has a sample and invalid samples for every type', () => {
    expect(Object.keys(sampleData).sort()).toEqual([...types].sort());
    expect(Object.keys(invalidSamples).sort()).toEqual([...types].sort());
  });

  describe.each(types)('%s', (type) => {
    it('accepts a valid sample', () => {
      expect(catalogue.validate(type, sampleData[type])).toEqual({ ok: true });
    });

    it('accepts the sample with only its required fields', () => {
      const required = (catalogue.definition(type).schema as { required: string[] }).required;
      const minimal = Object.fromEntries(Object.entries(sampleData[type]).filter(([key]) => required.includes(key)));
      expect(catalogue.validate(type, minimal)).toEqual({ ok: true });
    });

    it('rejects an unknown property, a missing ticketId, and a ticketId that is not a uuid', () => {
      expect(catalogue.validate(type, { ...sampleData[type], surprise: true }).ok).toBe(false);
      const { ticketId: _, ...withoutId } = sampleData[type];
      expect(catalogue.validate(type, withoutId)).toEqual({ ok: false, errors: [expect.stringContaining('ticketId')] });
      expect(catalogue.validate(type, { ...sampleData[type], ticketId: 'T-1' }).ok).toBe(false);
      expect(catalogue.validate(type, { ...sampleData[type], ticketId: TICKET_ID }).ok).toBe(true);
    });

    it.each(invalidSamples[type].map((patch) => [JSON.stringify(patch), patch]))('rejects %s', (_, patch) => {
      expect(catalogue.validate(type, { ...sampleData[type], ...(patch as object) }).ok).toBe(false);
    });
  });
});
