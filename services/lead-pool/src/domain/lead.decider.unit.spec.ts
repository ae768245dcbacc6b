import { Actor, LeadEvent, LeadSource } from '@support/contracts';
import { foldEvents } from '@support/decider';
import { without } from './checks';
import { LEAD_COMMAND_TYPES, LeadCommand, LeadCommandType } from './lead.commands';
import { leadDecider } from './lead.decider';
import { Lead, LEAD_STATUSES, LeadStatus } from './lead.state';
import {
  agent,
  analyst,
  catalogueCheckedSpecification,
  contractor,
  deepFreeze,
  expectCatalogued,
  lead,
  LEAD,
  minutesAfter,
  NOW,
  otherAgent,
  OTHER_TICKET,
  pool,
  senior,
  TICKET,
} from '../../test/fixtures/leads.test-fixtures';

const spec = catalogueCheckedSpecification(leadDecider);
const fold = (events: LeadEvent[]) => foldEvents(leadDecider, events) as Lead;

const ACCEPT_BY = minutesAfter(NOW, 30);
const SOURCE: LeadSource = { memberId: 'agent-wang', platform: 'douyin', account: '@wang-fixes-pcs' };
const OTHER_SOURCE: LeadSource = { memberId: 'agent-liu', platform: 'wechat-official', account: 'liu-repairs' };
const CONTACT = { phone: '+86 138 0013 8000', wechat: 'zhou-live' };
const CUSTOMER = { name: 'Ms Zhou', phone: '+86 138 0013 8000' };

type Fields<T extends LeadCommandType> = Partial<Omit<Extract<LeadCommand, { type: T }>, 'type'>>;
const base = { leadId: LEAD, actor: agent as Actor, at: NOW };
const capture = (f: Fields<'CaptureLead'> = {}): LeadCommand => ({
  type: 'CaptureLead',
  ...base,
  source: SOURCE,
  customerHandle: '@zhou_live',
  contact: CONTACT,
  note: 'her laptop overheats during live streams',
  via: 'rest',
  ...f,
});
const merge = (f: Fields<'MergeDuplicate'> = {}): LeadCommand => ({ type: 'MergeDuplicate', ...base, actor: otherAgent, source: OTHER_SOURCE, note: 'she wrote to me too', ...f });
const allocate = (f: Fields<'AllocateLead'> = {}): LeadCommand => ({
  type: 'AllocateLead',
  ...base,
  actor: pool,
  memberId: 'agent-liu',
  policyVersion: 3,
  acceptBy: ACCEPT_BY,
  ...f,
});
const acceptLead = (f: Fields<'AcceptLead'> = {}): LeadCommand => ({ type: 'AcceptLead', ...base, actor: otherAgent, at: minutesAfter(NOW, 10), ...f });
const decline = (f: Fields<'DeclineLead'> = {}): LeadCommand => ({
  type: 'DeclineLead',
  ...base,
  actor: otherAgent,
  at: minutesAfter(NOW, 5),
  reason: 'fully booked this week',
  ...f,
});
const expire = (f: Fields<'ExpireAllocation'> = {}): LeadCommand => ({ type: 'ExpireAllocation', ...base, actor: pool, at: ACCEPT_BY, ...f });
const convert = (f: Fields<'ConvertLead'> = {}): LeadCommand => ({
  type: 'ConvertLead',
  ...base,
  actor: otherAgent,
  at: minutesAfter(NOW, 60),
  customer: CUSTOMER,
  deviceModel: 'ThinkPad X1 Carbon',
  problem: 'overheats and shuts down after 20 minutes of streaming',
  urgency: 'urgent',
  ...f,
});
const lose = (f: Fields<'LoseLead'> = {}): LeadCommand => ({ type: 'LoseLead', ...base, actor: lead, reason: 'bought a new laptop instead', ...f });
const flag = (f: Fields<'FlagHoarding'> = {}): LeadCommand => ({ type: 'FlagHoarding', ...base, actor: pool, ticketId: TICKET, memberId: 'agent-liu', ...f });
const erase = (f: Fields<'EraseLead'> = {}): LeadCommand => ({ type: 'EraseLead', ...base, actor: lead, reason: 'she asked to be forgotten', ...f });

const captured: LeadEvent = {
  type: 'support.lead.captured.v1',
  data: { leadId: LEAD, source: SOURCE, customerHandle: '@zhou_live', contact: CONTACT, note: 'her laptop overheats during live streams', via: 'rest' },
};
const merged: LeadEvent = { type: 'support.lead.duplicate-captured.v1', data: { leadId: LEAD, source: OTHER_SOURCE, note: 'she wrote to me too' } };
const allocated: LeadEvent = { type: 'support.lead.allocated.v1', data: { leadId: LEAD, memberId: 'agent-liu', policyVersion: 3, acceptBy: ACCEPT_BY.toISOString() } };
const accepted: LeadEvent = { type: 'support.lead.accepted.v1', data: { leadId: LEAD, memberId: 'agent-liu' } };
const declined: LeadEvent = { type: 'support.lead.returned.v1', data: { leadId: LEAD, memberId: 'agent-liu', why: 'declined', reason: 'fully booked this week' } };
const timedOut: LeadEvent = { type: 'support.lead.returned.v1', data: { leadId: LEAD, memberId: 'agent-liu', why: 'timed-out' } };
const converted: LeadEvent = {
  type: 'support.lead.converted.v1',
  data: {
    leadId: LEAD,
    memberId: 'agent-liu',
    customer: CUSTOMER,
    deviceModel: 'ThinkPad X1 Carbon',
    problem: 'overheats and shuts down after 20 minutes of streaming',
    urgency: 'urgent',
  },
};
const lost: LeadEvent = { type: 'support.lead.lost.v1', data: { leadId: LEAD, reason: 'bought a new laptop instead' } };
const erased: LeadEvent = { type: 'support.lead.erased.v1', data: { leadId: LEAD, reason: 'she asked to be forgotten' } };
const flagged = (leadStatus: string): LeadEvent => ({ type: 'support.lead.hoarding-flagged.v1', data: { leadId: LEAD, ticketId: TICKET, memberId: 'agent-liu', leadStatus } });

// the history of a lead in each status
const POOLED = [captured];
const ALLOCATED = [captured, allocated];
const ACCEPTED = [...ALLOCATED, accepted];
const CONVERTED = [...ACCEPTED, converted];
const LOST = [captured, lost];
const IN: Record<LeadStatus, LeadEvent[]> = { pooled: POOLED, allocated: ALLOCATED, accepted: ACCEPTED, converted: CONVERTED, lost: LOST };

describe('lead decider', () => {
  it('knows every command type', () => {
    expect([...LEAD_COMMAND_TYPES].sort()).toEqual([
      'AcceptLead',
      'AllocateLead',
      'CaptureLead',
      'ConvertLead',
      'DeclineLead',
      'EraseLead',
      'ExpireAllocation',
      'FlagHoarding',
      'LoseLead',
      'MergeDuplicate',
    ]);
  });

  describe('the happy path', () => {
    it('goes pooled -> allocated -> accepted -> converted, each step one valid event', () => {
      spec.given([]).when(capture()).then([captured]);
      spec.given(POOLED).when(allocate()).then([allocated]);
      spec.given(ALLOCATED).when(acceptLead()).then([accepted]);
      spec.given(ACCEPTED).when(convert()).then([converted]);
      expect(CONVERTED.map((_, i) => fold(CONVERTED.slice(0, i + 1)).status)).toEqual(['pooled', 'allocated', 'accepted', 'converted']);
    });

    it('folds a lead back to its state', () => {
      expect(
        fold([
          captured,
          merged,
          allocated,
          timedOut,
          { ...allocated, data: { ...allocated.data, memberId: 'senior-li', policyVersion: 4 } },
          { ...accepted, data: { leadId: LEAD, memberId: 'senior-li' } },
        ]),
      ).toStrictEqual({
        leadId: LEAD,
        source: SOURCE,
        customerHandle: '@zhou_live',
        contact: CONTACT,
        note: 'her laptop overheats during live streams',
        via: 'rest',
        status: 'accepted',
        mergedSources: [OTHER_SOURCE],
        allocatedTo: 'senior-li',
        policyVersion: 4,
        declinedBy: ['agent-liu'],
        acceptedBy: 'senior-li',
        hoardingFlaggedFor: [],
      });
      expect(fold(ALLOCATED)).toMatchObject({ status: 'allocated', allocatedTo: 'agent-liu', policyVersion: 3, acceptBy: ACCEPT_BY });
      expect(fold(CONVERTED).ticketCause).toStrictEqual({
        customer: CUSTOMER,
        deviceModel: 'ThinkPad X1 Carbon',
        problem: 'overheats and shuts down after 20 minutes of streaming',
        urgency: 'urgent',
      });
      expect(fold([...ALLOCATED, lost])).toStrictEqual({ ...without(fold(ALLOCATED), 'acceptBy'), status: 'lost', lostReason: 'bought a new laptop instead' });
    });

    it('loses a lead from pooled, allocated and accepted', () => {
      for (const history of [POOLED, ALLOCATED, ACCEPTED]) spec.given(history).when(lose()).then([lost]);
      expect(fold(LOST)).toMatchObject({ status: 'lost', lostReason: 'bought a new laptop instead' });
    });
  });

  describe('capture', () => {
    it('keeps optional fields absent, and takes a contact with only a WeChat id', () => {
      spec
        .given([])
        .when(capture({ note: undefined, contact: { wechat: 'zhou-live' } }))
        .then([{ type: 'support.lead.captured.v1', data: { leadId: LEAD, source: SOURCE, customerHandle: '@zhou_live', contact: { wechat: 'zhou-live' }, via: 'rest' } }]);
    });

    it.each([
      ['a lead, for any member', lead, 'rest'],
      ['the service behind a webhook, for any member', pool, 'webhook'],
    ] as const)('is done by %s', (_who, actor, via) => {
      spec
        .given([])
        .when(capture({ actor, source: OTHER_SOURCE, via }))
        .then([{ ...captured, data: { ...captured.data, source: OTHER_SOURCE, via } } as LeadEvent]);
    });

    it("emits only the schema's fields, whatever else a command carries", () => {
      const sloppy = capture({ source: { ...SOURCE, followers: 12_000 } as LeadSource, contact: { ...CONTACT, email: 'zhou@example.com' } as typeof CONTACT });
      const decision = leadDecider.decide({ ...sloppy, extra: 1 } as unknown as LeadCommand, fold([]));
      expect(decision).toStrictEqual({ ok: true, events: [captured] });
      if (decision.ok) expectCatalogued(decision.events);
    });
  });

  describe('duplicates', () => {
    it.each(LEAD_STATUSES)('merges into a %s lead: the first source keeps the credit', (status) => {
      spec.given(IN[status]).when(merge()).then([merged]);
      const after = fold([...IN[status], merged]);
      expect(after).toMatchObject({ status, source: SOURCE, mergedSources: [OTHER_SOURCE] });
    });

    it("keeps every merged source in order, the same member's too", () => {
      const again: LeadEvent = { type: 'support.lead.duplicate-captured.v1', data: { leadId: LEAD, source: SOURCE } };
      spec
        .given([captured, merged])
        .when(merge({ actor: agent, source: SOURCE, note: undefined }))
        .then([again]);
      expect(fold([captured, merged, again]).mergedSources).toEqual([OTHER_SOURCE, SOURCE]);
    });
  });

  describe('allocation', () => {
    it('returns a declined lead to the pool, never to be offered to that member again', () => {
      spec.given(ALLOCATED).when(decline()).then([declined]);
      expect(fold([...ALLOCATED, declined])).toMatchObject({ status: 'pooled', declinedBy: ['agent-liu'] });
      expect(fold([...ALLOCATED, declined])).not.toHaveProperty('allocatedTo');
      expect(fold([...ALLOCATED, declined])).not.toHaveProperty('acceptBy');
      spec
        .given([...ALLOCATED, declined])
        .when(allocate())
        .thenRejects('illegal-transition', /^member agent-liu declined this lead or let it time out: it is not offered to them again$/);
      spec
        .given([...ALLOCATED, declined])
        .when(allocate({ memberId: 'senior-li' }))
        .then([{ ...allocated, data: { ...allocated.data, memberId: 'senior-li' } } as LeadEvent]);
    });

    it('declines without a reason, or by a lead for the member', () => {
      const bare: LeadEvent = { type: 'support.lead.returned.v1', data: { leadId: LEAD, memberId: 'agent-liu', why: 'declined' } };
      spec
        .given(ALLOCATED)
        .when(decline({ reason: undefined }))
        .then([bare]);
      spec
        .given(ALLOCATED)
        .when(decline({ actor: lead, reason: undefined }))
        .then([bare]);
    });

    it('expires an allocation at acceptBy or later, and the member is not offered it again', () => {
      spec.given(ALLOCATED).when(expire()).then([timedOut]);
      spec
        .given(ALLOCATED)
        .when(expire({ at: minutesAfter(ACCEPT_BY, 90) }))
        .then([timedOut]);
      spec
        .given(ALLOCATED)
        .when(expire({ at: minutesAfter(ACCEPT_BY, -1) }))
        .thenRejects('illegal-transition', /^the allocation runs until 2025-03-03T01:30:00.000Z$/);
      expect(fold([...ALLOCATED, timedOut]).declinedBy).toEqual(['agent-liu']);
      spec
        .given([...ALLOCATED, timedOut])
        .when(allocate())
        .thenRejects('illegal-transition', /not offered to them again/);
    });

    it('remembers each member who let it go once, in order', () => {
      const toLi: LeadEvent = { ...allocated, data: { ...allocated.data, memberId: 'senior-li' } };
      const liDeclined: LeadEvent = { ...timedOut, data: { ...timedOut.data, memberId: 'senior-li' } };
      expect(fold([...ALLOCATED, declined, toLi, liDeclined]).declinedBy).toEqual(['agent-liu', 'senior-li']);
    });

    it('is accepted by the member, or by a lead for them', () => {
      spec
        .given(ALLOCATED)
        .when(acceptLead({ actor: lead }))
        .then([accepted]);
      expect(fold(ACCEPTED)).toMatchObject({ status: 'accepted', acceptedBy: 'agent-liu', allocatedTo: 'agent-liu' });
      expect(fold(ACCEPTED)).not.toHaveProperty('acceptBy');
    });

    it('is allocated by a lead too', () => {
      spec
        .given(POOLED)
        .when(allocate({ actor: lead }))
        .then([allocated]);
    });
  });

  describe('conversion', () => {
    it('is done by the member who accepted the lead, or a lead, with a customer reachable by WeChat only', () => {
      spec
        .given(ACCEPTED)
        .when(convert({ actor: lead }))
        .then([converted]);
      const byWechat = { name: 'Ms Zhou', wechat: 'zhou-live' };
      spec
        .given(ACCEPTED)
        .when(convert({ customer: byWechat }))
        .then([{ ...converted, data: { ...converted.data, customer: byWechat } } as LeadEvent]);
    });

    it("emits only the customer's schema fields", () => {
      const decision = leadDecider.decide(convert({ customer: { ...CUSTOMER, vip: true } as typeof CUSTOMER }), fold(ACCEPTED));
      expect(decision).toStrictEqual({ ok: true, events: [converted] });
    });
  });

  describe('hoarding', () => {
    it.each(['pooled', 'allocated'] as const)('flags a %s lead with its status', (status) => {
      spec
        .given(IN[status])
        .when(flag())
        .then([flagged(status)]);
      expect(fold([...IN[status], flagged(status)])).toMatchObject({ status, hoardingFlaggedFor: [TICKET] });
    });

    it.each(['accepted', 'converted', 'lost'] as const)('accepts a flag on a %s lead with no events', (status) => {
      spec.given(IN[status]).when(flag()).then([]);
    });

    it('flags a lead once per ticket', () => {
      spec
        .given([...ALLOCATED, flagged('allocated')])
        .when(flag())
        .then([]);
      spec
        .given([...ALLOCATED, flagged('allocated')])
        .when(flag({ ticketId: OTHER_TICKET }))
        .then([{ type: 'support.lead.hoarding-flagged.v1', data: { leadId: LEAD, ticketId: OTHER_TICKET, memberId: 'agent-liu', leadStatus: 'allocated' } }]);
    });

    it('is flagged by a lead too', () => {
      spec
        .given(POOLED)
        .when(flag({ actor: lead, memberId: 'agent-wang' }))
        .then([{ ...flagged('pooled'), data: { ...flagged('pooled').data, memberId: 'agent-wang' } } as LeadEvent]);
    });
  });

  describe('erasure', () => {
    it.each(LEAD_STATUSES)('erases a %s lead: its personal values read [erased] at once, the rest stays', (status) => {
      spec.given(IN[status]).when(erase()).then([erased]);
      const before = fold(IN[status]);
      const after = fold([...IN[status], erased]);
      expect(after).toMatchObject({ status, erased: true, customerHandle: '[erased]', contact: { phone: '[erased]', wechat: '[erased]' } });
      expect(JSON.stringify(after)).not.toMatch(/zhou|0013|Zhou/);
      expect(without(after, 'customerHandle', 'contact', 'ticketCause', 'erased')).toStrictEqual(without(before, 'customerHandle', 'contact', 'ticketCause'));
    });

    it("keeps the converted customer's fields, erased, and names the customer whose erasure it follows", () => {
      expect(fold([...CONVERTED, erased]).ticketCause?.customer).toStrictEqual({ name: '[erased]', phone: '[erased]' });
      const customerId = '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
      spec
        .given(CONVERTED)
        .when(erase({ actor: pool, customerId, reason: `customer ${customerId} was erased` }))
        .then([{ type: 'support.lead.erased.v1', data: { leadId: LEAD, reason: `customer ${customerId} was erased`, customerId } }]);
    });

    it('erases once, and an erased lead is neither allocated nor converted; the rest goes on', () => {
      spec
        .given([...POOLED, erased])
        .when(erase())
        .thenRejects('illegal-transition', new RegExp(`^the personal data of lead ${LEAD} was erased already$`));
      spec
        .given([...POOLED, erased])
        .when(allocate())
        .thenRejects('illegal-transition', /^cannot allocate a lead whose personal data was erased$/);
      spec
        .given([...ACCEPTED, erased])
        .when(convert())
        .thenRejects('illegal-transition', /^cannot convert a lead whose personal data was erased$/);
      spec
        .given([...ACCEPTED, erased])
        .when(lose())
        .then([lost]);
    });

    it('is for a lead or the pool, with a reason', () => {
      for (const actor of [agent, senior, analyst]) {
        spec
          .given(POOLED)
          .when(erase({ actor }))
          .thenRejects('illegal-transition', /^only a lead \(or the pool, after the customer was erased\) erases a lead$/);
      }
      spec
        .given(POOLED)
        .when(erase({ reason: ' ' }))
        .thenRejects('invalid-command', /^reason/);
      spec
        .given(POOLED)
        .when(erase({ reason: 'x'.repeat(2001) }))
        .thenRejects('invalid-command', /^reason/);
      spec
        .given(POOLED)
        .when(erase({ customerId: 'c-1' }))
        .thenRejects('invalid-command', /^customerId/);
      spec
        .given(POOLED)
        .when(erase({ reason: 'x'.repeat(2000) }))
        .then([{ ...erased, data: { leadId: LEAD, reason: 'x'.repeat(2000) } } as LeadEvent]);
    });
  });

  describe('status rules (409)', () => {
    const COMMANDS: Record<Exclude<LeadCommandType, 'CaptureLead'>, LeadCommand> = {
      MergeDuplicate: merge(),
      AllocateLead: allocate(),
      AcceptLead: acceptLead(),
      DeclineLead: decline(),
      ExpireAllocation: expire(),
      ConvertLead: convert(),
      LoseLead: lose(),
      FlagHoarding: flag(),
      EraseLead: erase(),
    };
    // written out, not taken from the decider, so that a changed rule fails here
    const ILLEGAL: Array<[keyof typeof COMMANDS, string, LeadStatus[]]> = [
      ['AllocateLead', 'allocate', ['allocated', 'accepted', 'converted', 'lost']],
      ['AcceptLead', 'accept', ['pooled', 'accepted', 'converted', 'lost']],
      ['DeclineLead', 'decline', ['pooled', 'accepted', 'converted', 'lost']],
      ['ExpireAllocation', 'expire the allocation of', ['pooled', 'accepted', 'converted', 'lost']],
      ['ConvertLead', 'convert', ['pooled', 'allocated', 'converted', 'lost']],
      ['LoseLead', 'lose', ['converted', 'lost']],
    ];
    const CASES = ILLEGAL.flatMap(([type, verb, statuses]) => statuses.map((status) => [type, status, verb] as const));

    it.each(CASES)('refuses %s on a %s lead', (type, status, verb) => {
      const final = status === 'converted' || status === 'lost' ? ': it is final' : '';
      spec
        .given(IN[status])
        .when(COMMANDS[type])
        .thenRejects('illegal-transition', new RegExp(`^cannot ${verb} a lead that is ${status}${final}$`));
    });

    it('accepts every other command in every other status', () => {
      for (const [type, command] of Object.entries(COMMANDS)) {
        const illegal = ILLEGAL.find(([t]) => t === type)?.[2] ?? [];
        for (const status of LEAD_STATUSES.filter((s) => !illegal.includes(s))) {
          expect({ type, status, ok: leadDecider.decide(command, fold(IN[status])).ok }).toEqual({ type, status, ok: true });
        }
      }
    });

    it.each(LEAD_STATUSES)('refuses capturing a lead that exists (%s)', (status) => {
      spec
        .given(IN[status])
        .when(capture())
        .thenRejects('illegal-transition', new RegExp(`^lead ${LEAD} already exists \\(it is ${status}\\)$`));
    });

    it.each(Object.values(COMMANDS))('$type needs an existing lead (404)', (command) => {
      spec
        .given([])
        .when(command)
        .thenRejects('not-found', new RegExp(`^lead ${LEAD} does not exist$`));
    });

    it('checks the status before who asks and the values', () => {
      spec
        .given(POOLED)
        .when(acceptLead({ actor: analyst }))
        .thenRejects('illegal-transition', /^cannot accept a lead that is pooled$/);
      spec
        .given(POOLED)
        .when(convert({ urgency: 'asap' as 'urgent' }))
        .thenRejects('illegal-transition', /^cannot convert a lead that is pooled$/);
    });
  });

  describe('who may (409)', () => {
    it.each([
      ['capture', [], capture({ actor: contractor, source: { ...SOURCE, memberId: 'contractor-chen' } })],
      ['merge', POOLED, merge({ actor: contractor })],
      ['allocate', POOLED, allocate({ actor: contractor })],
      ['accept', ALLOCATED, acceptLead({ actor: { ...contractor, id: 'agent-liu' } })],
      ['convert', ACCEPTED, convert({ actor: contractor })],
      ['lose', ACCEPTED, lose({ actor: contractor })],
      ['anything on a lead that does not exist', [], lose({ actor: contractor })],
    ] as Array<[string, LeadEvent[], LeadCommand]>)('refuses a contractor: %s', (_what, history, command) => {
      spec
        .given(history)
        .when(command)
        .thenRejects('illegal-transition', /^contractors take no part in the lead pool$/);
    });

    const REFUSED: Array<[string, LeadEvent[], LeadCommand, RegExp]> = [
      ['an agent capturing for another member', [], capture({ source: OTHER_SOURCE }), /^a member registers only their own leads$/],
      ['a senior capturing for another member', [], capture({ actor: senior }), /^a member registers only their own leads$/],
      ['an analyst capturing', [], capture({ actor: analyst, source: { ...SOURCE, memberId: 'analyst-sun' } }), /^the analyst role does not capture leads$/],
      ['intake capturing', [], capture({ actor: { id: 'cs-desk', role: 'intake' } }), /^the intake role does not capture leads$/],
      ["an agent merging another member's capture", POOLED, merge({ actor: agent }), /^a member registers only their own leads$/],
      ['an agent allocating', POOLED, allocate({ actor: otherAgent }), /^only the pool \(or a lead\) allocates leads$/],
      ['another member accepting', ALLOCATED, acceptLead({ actor: senior }), /^only the member the lead was allocated to may accept it$/],
      ['the source member accepting', ALLOCATED, acceptLead({ actor: agent }), /^only the member the lead was allocated to may accept it$/],
      ['accepting at acceptBy', ALLOCATED, acceptLead({ at: ACCEPT_BY }), /^the allocation ran out at 2025-03-03T01:30:00.000Z: the lead goes back to the pool$/],
      ['a lead accepting after acceptBy', ALLOCATED, acceptLead({ actor: lead, at: minutesAfter(ACCEPT_BY, 1) }), /^the allocation ran out at/],
      ['another member declining', ALLOCATED, decline({ actor: senior }), /^only the member the lead was allocated to may decline it$/],
      ['a lead expiring an allocation', ALLOCATED, expire({ actor: lead }), /^only the pool's timer expires an allocation$/],
      ['the member expiring their own allocation', ALLOCATED, expire({ actor: otherAgent }), /^only the pool's timer expires an allocation$/],
      ['another member converting', ACCEPTED, convert({ actor: senior }), /^only the member who accepted the lead may convert it$/],
      ['the pool converting', ACCEPTED, convert({ actor: pool }), /^only the member who accepted the lead may convert it$/],
      ['the source member losing a pooled lead', POOLED, lose({ actor: agent }), /^only a lead, the pool, or the member holding the lead may mark it lost$/],
      ['another member losing an allocated lead', ALLOCATED, lose({ actor: agent }), /^only a lead, the pool, or the member holding the lead may mark it lost$/],
      ['an agent flagging hoarding', POOLED, flag({ actor: otherAgent }), /^only the pool \(or a lead\) flags hoarding$/],
    ];
    it.each(REFUSED)('refuses %s', (_name, history, command, reason) => {
      spec.given(history).when(command).thenRejects('illegal-transition', reason);
    });

    it('lets the member holding the lead, a lead and the pool mark it lost', () => {
      spec
        .given(ALLOCATED)
        .when(lose({ actor: otherAgent }))
        .then([lost]);
      spec
        .given(ACCEPTED)
        .when(lose({ actor: otherAgent }))
        .then([lost]);
      spec
        .given(POOLED)
        .when(lose({ actor: pool }))
        .then([lost]);
      spec
        .given(ACCEPTED)
        .when(lose({ actor: lead }))
        .then([lost]);
    });

    it('lets a member capture their own lead and merge their own duplicate', () => {
      spec
        .given([])
        .when(capture({ actor: agent }))
        .then([captured]);
      spec
        .given([])
        .when(capture({ actor: senior, source: { ...SOURCE, memberId: 'senior-li' } }))
        .then([{ ...captured, data: { ...captured.data, source: { ...SOURCE, memberId: 'senior-li' } } } as LeadEvent]);
      spec
        .given(POOLED)
        .when(merge({ actor: otherAgent }))
        .then([merged]);
    });
  });

  describe('values (400)', () => {
    const long = (length: number) => 'x'.repeat(length);
    const INVALID: Array<[string, LeadEvent[], LeadCommand, RegExp]> = [
      ['a leadId that is no UUID', [], capture({ leadId: 'lead-1' }), /^leadId must be a UUID$/],
      ['an invalid time', [], capture({ at: new Date('nope') }), /^at must be a valid date$/],
      ['no source', [], capture({ actor: lead, source: undefined }), /^source is required$/],
      ['a blank source member', [], capture({ actor: lead, source: { ...SOURCE, memberId: ' ' } }), /^source.memberId must not be empty$/],
      ['a long source member', [], capture({ actor: lead, source: { ...SOURCE, memberId: long(101) } }), /^source.memberId must be at most 100 characters$/],
      ['a blank platform', [], capture({ source: { ...SOURCE, platform: '' } }), /^source.platform must not be empty$/],
      ['a long platform', [], capture({ source: { ...SOURCE, platform: long(51) } }), /^source.platform must be at most 50 characters$/],
      ['a blank account', [], capture({ source: { ...SOURCE, account: ' ' } }), /^source.account must not be empty$/],
      ['a long account', [], capture({ source: { ...SOURCE, account: long(201) } }), /^source.account must be at most 200 characters$/],
      ['a blank customer handle', [], capture({ customerHandle: '  ' }), /^customerHandle must not be empty$/],
      ['a long customer handle', [], capture({ customerHandle: long(201) }), /^customerHandle must be at most 200 characters$/],
      ['no contact', [], capture({ contact: undefined }), /^contact is required$/],
      ['a contact with neither phone nor WeChat', [], capture({ contact: {} }), /^contact must have a phone or a wechat id$/],
      ['a blank phone', [], capture({ contact: { phone: ' ', wechat: 'zhou-live' } }), /^contact.phone must not be empty$/],
      ['a long phone', [], capture({ contact: { phone: long(41) } }), /^contact.phone must be at most 40 characters$/],
      ['a blank WeChat id', [], capture({ contact: { wechat: '' } }), /^contact.wechat must not be empty$/],
      ['a long WeChat id', [], capture({ contact: { wechat: long(65) } }), /^contact.wechat must be at most 64 characters$/],
      ['a blank note', [], capture({ note: ' ' }), /^note must not be empty$/],
      ['a long note', [], capture({ note: long(2001) }), /^note must be at most 2000 characters$/],
      ['an unknown channel', [], capture({ via: 'email' as 'rest' }), /^via must be one of rest, webhook$/],
      ['a merged source without account', POOLED, merge({ source: { ...OTHER_SOURCE, account: '' } }), /^source.account must not be empty$/],
      ['a merged note too long', POOLED, merge({ note: long(2001) }), /^note must be at most 2000 characters$/],
      ['a blank member to allocate to', POOLED, allocate({ memberId: ' ' }), /^memberId must not be empty$/],
      ['a long member id', POOLED, allocate({ memberId: long(101) }), /^memberId must be at most 100 characters$/],
      ['a policy version of 0', POOLED, allocate({ policyVersion: 0 }), /^policyVersion must be a whole number from 1$/],
      ['a fractional policy version', POOLED, allocate({ policyVersion: 1.5 }), /^policyVersion must be a whole number from 1$/],
      ['acceptBy at the allocation', POOLED, allocate({ acceptBy: NOW }), /^acceptBy must be a valid date after at$/],
      ['acceptBy in the past', POOLED, allocate({ acceptBy: minutesAfter(NOW, -5) }), /^acceptBy must be a valid date after at$/],
      ['an invalid acceptBy', POOLED, allocate({ acceptBy: new Date('x') }), /^acceptBy must be a valid date after at$/],
      ['an invalid time on an existing lead', ALLOCATED, expire({ at: new Date('x') }), /^at must be a valid date$/],
      ['a blank decline reason', ALLOCATED, decline({ reason: ' ' }), /^reason must not be empty$/],
      ['a long decline reason', ALLOCATED, decline({ reason: long(2001) }), /^reason must be at most 2000 characters$/],
      ['no customer', ACCEPTED, convert({ customer: undefined }), /^customer is required$/],
      ['a blank customer name', ACCEPTED, convert({ customer: { ...CUSTOMER, name: '' } }), /^customer.name must not be empty$/],
      ['a long customer name', ACCEPTED, convert({ customer: { ...CUSTOMER, name: long(201) } }), /^customer.name must be at most 200 characters$/],
      ['a customer without phone or WeChat', ACCEPTED, convert({ customer: { name: 'Ms Zhou' } }), /^customer must have a phone or a wechat id$/],
      ["a customer's long phone", ACCEPTED, convert({ customer: { name: 'Ms Zhou', phone: long(41) } }), /^customer.phone must be at most 40 characters$/],
      ["a customer's blank WeChat id", ACCEPTED, convert({ customer: { name: 'Ms Zhou', wechat: ' ' } }), /^customer.wechat must not be empty$/],
      ['a blank device model', ACCEPTED, convert({ deviceModel: ' ' }), /^deviceModel must not be empty$/],
      ['a long device model', ACCEPTED, convert({ deviceModel: long(201) }), /^deviceModel must be at most 200 characters$/],
      ['a blank problem', ACCEPTED, convert({ problem: '' }), /^problem must not be empty$/],
      ['a long problem', ACCEPTED, convert({ problem: long(10_001) }), /^problem must be at most 10000 characters$/],
      ['an unknown urgency', ACCEPTED, convert({ urgency: 'asap' as 'urgent' }), /^urgency must be one of urgent, normal$/],
      ['a blank lost reason', ALLOCATED, lose({ reason: ' ' }), /^reason must not be empty$/],
      ['a long lost reason', POOLED, lose({ reason: long(2001) }), /^reason must be at most 2000 characters$/],
      ['a ticketId that is no UUID', POOLED, flag({ ticketId: 'T-1' }), /^ticketId must be a UUID$/],
      ['a blank holder', POOLED, flag({ memberId: '' }), /^memberId must not be empty$/],
    ];
    it.each(INVALID)('refuses %s, naming the field', (_name, history, command, reason) => {
      spec.given(history).when(command).thenRejects('invalid-command', reason);
    });

    it('accepts values at their limits, as the catalogue does', () => {
      spec
        .given([])
        .when(
          capture({
            actor: lead,
            source: { memberId: long(100), platform: long(50), account: long(200) },
            customerHandle: long(200),
            contact: { phone: long(40), wechat: long(64) },
            note: long(2000),
          }),
        )
        .then([
          {
            type: 'support.lead.captured.v1',
            data: {
              leadId: LEAD,
              source: { memberId: long(100), platform: long(50), account: long(200) },
              customerHandle: long(200),
              contact: { phone: long(40), wechat: long(64) },
              note: long(2000),
              via: 'rest',
            },
          },
        ]);
    });
  });

  describe('state and bugs', () => {
    it('decide never mutates the state', () => {
      const state = deepFreeze(fold([...ALLOCATED, flagged('allocated')]));
      expect(leadDecider.decide(decline(), state).ok).toBe(true);
      expect(leadDecider.decide(merge(), state).ok).toBe(true);
      expect(leadDecider.decide(flag({ ticketId: OTHER_TICKET }), state).ok).toBe(true);
    });

    it('throws on a history that cannot be (bugs, not business outcomes)', () => {
      expect(() => fold([captured, captured])).toThrow(/captured twice/);
      expect(() => fold([allocated])).toThrow(/never captured/);
      expect(() => leadDecider.decide(lose({ leadId: 'f0000000-0000-4000-8000-000000000000' }), fold(POOLED))).toThrow(/decided on lead/);
    });
  });
});
