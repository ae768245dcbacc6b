import { eventCatalogue, TicketEvent, TicketEventData, TicketState } from '@support/contracts';
import { foldEvents } from '@support/decider';
import { deciderSpecification } from '@support/test-kit';
import { TICKET_COMMAND_TYPES, TicketCommand, TicketCommandInput, TicketCommandType } from './ticket.commands';
import { ticketDecider } from './ticket.decider';
import { Ticket, TicketAggregate } from './ticket.state';
import {
  actor,
  agent,
  COMMANDS,
  contractor,
  EXPECTED_EVENTS,
  HISTORIES,
  LATER,
  lead,
  NOW,
  sampleEvent,
  senior,
  SHEET_ID,
  SIGNATURE_SHA256,
  TICKET_ID,
  VISIT_ID,
} from '../../test/fixtures/ticket.test-fixtures';

const spec = deciderSpecification(ticketDecider);
type Stage = TicketState | 'none';

// The expected rules, written independently of the decider's TICKET_TRANSITIONS (do not import it here):
// row = command, column = the ticket's stage, cell = the stage afterwards, or `-` when the command is
// refused there (not-found in `none`, illegal-transition elsewhere).
const LEGALITY = `
                      none  rec  asg  con  dia  quo  inp  ons  res  clo  can  reo
  OpenTicket          rec   -    -    -    -    -    -    -    -    -    -    -
  Assign              -     asg  asg  con  dia  quo  inp  -    -    -    -    asg
  DispatchToContractor -    asg  asg  asg  asg  -    -    -    -    -    -    -
  RequestEscalation   -     -    asg  con  dia  quo  inp  ons  -    -    -    reo
  Escalate            -     -    asg  con  dia  quo  inp  ons  -    -    -    reo
  Contact             -     -    con  -    -    -    -    -    -    -    -    con
  Diagnose            -     -    -    dia  dia  -    -    -    -    -    -    dia
  Quote               -     -    -    -    quo  quo  -    -    -    -    -    -
  AcceptQuote         -     -    -    -    -    inp  -    -    -    -    -    -
  DeclineQuote        -     -    -    -    -    dia  -    -    -    -    -    -
  ScheduleOnSite      -     -    -    ons  ons  -    ons  -    -    -    -    -
  TechnicianOnSite    -     -    -    -    -    -    -    ons  -    -    -    -
  Resolve             -     -    -    res  res  -    res  res  -    -    -    res
  GiveFeedback        -     -    -    -    -    -    -    -    res  clo  -    -
  Close               -     -    -    -    -    -    -    -    clo  -    -    -
  Reopen              -     -    -    -    -    -    -    -    reo  reo  -    -
  Cancel              -     can  can  can  can  can  can  can  -    -    -    can
  RecordSlaBreach     -     rec  asg  con  dia  quo  inp  ons  res  clo  can  reo
  RecordFieldServiceStep - rec  asg  con  dia  quo  inp  ons  res  clo  can  reo
`;

const ABBREVIATIONS: Record<string, Stage> = {
  none: 'none',
  rec: 'received',
  asg: 'assigned',
  con: 'contacted',
  dia: 'diagnosed',
  quo: 'quoted',
  inp: 'in-progress',
  ons: 'on-site',
  res: 'resolved',
  clo: 'closed',
  can: 'cancelled',
  reo: 'reopened',
};

/** A word each refusal must contain, so the reason names the command. */
const COMMAND_WORDS: Record<TicketCommandType, RegExp> = {
  OpenTicket: /open/,
  Assign: /assign/,
  DispatchToContractor: /dispatch/,
  RequestEscalation: /escalat/,
  Escalate: /escalat/,
  Contact: /contact/,
  Diagnose: /diagnos/,
  Quote: /quote/,
  AcceptQuote: /accept/,
  DeclineQuote: /decline/,
  ScheduleOnSite: /on-site|on site/,
  TechnicianOnSite: /technician/,
  Resolve: /resolve/,
  GiveFeedback: /feedback/,
  Close: /close/,
  Reopen: /reopen/,
  Cancel: /cancel/,
  RecordSlaBreach: /SLA breach/,
  RecordFieldServiceStep: /field-service step/,
};

function parseLegality(grid: string): Record<TicketCommandType, Partial<Record<Stage, TicketState>>> {
  const [header, ...rows] = grid
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));
  const columns = header.map((abbreviation) => ABBREVIATIONS[abbreviation]);
  const table = {} as Record<TicketCommandType, Partial<Record<Stage, TicketState>>>;
  for (const [command, ...cells] of rows) {
    if (cells.length !== columns.length) throw new Error(`row ${command} has ${cells.length} cells, expected ${columns.length}`);
    table[command as TicketCommandType] = Object.fromEntries(cells.flatMap((cell, i) => (cell === '-' ? [] : [[columns[i], ABBREVIATIONS[cell] as TicketState]])));
  }
  return table;
}

const EXPECTED = parseLegality(LEGALITY);
const STAGES = Object.keys(HISTORIES) as Stage[];

const fold = (events: readonly TicketEvent[]) => foldEvents(ticketDecider, events);
const ticketAfter = (events: readonly TicketEvent[]) => fold(events) as Ticket;
const command = <Type extends TicketCommandType>(type: Type, fields: Partial<Extract<TicketCommand, { type: Type }>> = {}) => ({ ...COMMANDS[type], ...fields }) as TicketCommand;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const nested of Object.values(value)) deepFreeze(nested);
  }
  return value;
}

describe('ticket decider', () => {
  describe('fixtures', () => {
    it('cover every stage and every command, and the legality table has a row per command', () => {
      expect([...STAGES].sort()).toEqual(Object.values(ABBREVIATIONS).sort());
      expect(Object.keys(COMMANDS).sort()).toEqual([...TICKET_COMMAND_TYPES].sort());
      expect(Object.keys(EXPECTED).sort()).toEqual([...TICKET_COMMAND_TYPES].sort());
    });

    it.each(STAGES)('the %s history folds into that stage and every event in it is valid', (stage) => {
      expect(fold(HISTORIES[stage]).state).toBe(stage);
      for (const event of HISTORIES[stage]) expect(eventCatalogue.validate(event.type, event.data)).toEqual({ ok: true });
    });
  });

  // every stage x every command: 12 x 19 cases
  const matrix = STAGES.flatMap((stage) => TICKET_COMMAND_TYPES.map((type) => [stage, type, EXPECTED[type][stage]] as const));

  describe.each(matrix.filter(([, , after]) => after !== undefined))('%s + %s (legal)', (stage, type, after) => {
    it(`emits exactly its event, which validates, and leaves the ticket ${after}`, () => {
      spec.given(HISTORIES[stage]).when(COMMANDS[type]).then([EXPECTED_EVENTS[type]]);

      // the state is not mutated by decide, and the emitted events fold into the expected stage
      const state = deepFreeze(fold(HISTORIES[stage]));
      const decision = ticketDecider.decide(COMMANDS[type], state);
      if (!decision.ok) throw new Error(decision.reason);
      for (const event of decision.events) expect(eventCatalogue.validate(event.type, event.data)).toEqual({ ok: true });
      expect(decision.events.reduce(ticketDecider.evolve, state).state).toBe(after);
    });
  });

  describe.each(matrix.filter(([stage, , after]) => after === undefined && stage === 'none'))('%s + %s', (_stage, type) => {
    it('rejects: not-found', () => {
      spec.given([]).when(COMMANDS[type]).thenRejects('not-found', new RegExp(TICKET_ID));
    });
  });

  describe.each(matrix.filter(([stage, , after]) => after === undefined && stage !== 'none'))('%s + %s (illegal)', (stage, type) => {
    it('rejects: illegal-transition naming the command and the state', () => {
      spec
        .given(HISTORIES[stage])
        .when(COMMANDS[type])
        .thenRejects('illegal-transition', new RegExp(`in state ${stage}(:|$)`));
      const decision = ticketDecider.decide(COMMANDS[type], fold(HISTORIES[stage]));
      expect(!decision.ok && decision.reason).toMatch(COMMAND_WORDS[type]);
    });
  });

  it('words a refusal as "cannot <verb> a ticket in state <state>"', () => {
    spec
      .given(HISTORIES.received)
      .when(COMMANDS.Quote)
      .thenRejects('illegal-transition', /^cannot quote a ticket in state received$/);
  });

  describe('assignment', () => {
    it('reassigning a ticket being worked keeps its stage and changes assignee and tier', () => {
      const events = [...HISTORIES.diagnosed, EXPECTED_EVENTS.Assign];
      expect(ticketAfter(events)).toMatchObject({ state: 'diagnosed', assignee: senior, tier: 'L2' });
    });

    it('refuses a contractor through Assign: contractors get dispatched', () => {
      spec
        .given(HISTORIES.received)
        .when(command('Assign', { assignee: { id: contractor.id, role: 'contractor' } }))
        .thenRejects('invalid-command', /contractor/);
    });

    it('dispatch makes the contractor the assignee, keeps the tier, and the contractor can then work it', () => {
      const dispatched = [...HISTORIES.diagnosed, EXPECTED_EVENTS.DispatchToContractor];
      expect(ticketAfter(dispatched)).toMatchObject({
        state: 'assigned',
        assignee: { id: contractor.id, role: 'contractor' },
        tier: 'L1',
        dispatchedScenario: 'capture-card-replacement',
      });
      spec.given(dispatched).when(COMMANDS.Contact).then([EXPECTED_EVENTS.Contact]);
    });

    it('dispatch straight from received gives the ticket tier L1', () => {
      expect(ticketAfter([...HISTORIES.received, EXPECTED_EVENTS.DispatchToContractor]).tier).toBe('L1');
    });

    it('contact needs an assignee', () => {
      const unassigned = { ...fold(HISTORIES.reopened), assignee: undefined } as TicketAggregate;
      const decision = ticketDecider.decide(COMMANDS.Contact, unassigned);
      expect(decision).toEqual({ ok: false, code: 'illegal-transition', reason: expect.stringMatching(/in state reopened: nobody is assigned/) });
    });
  });

  describe('escalation chain L1 -> L2 -> L3', () => {
    const toL2 = sampleEvent('support.ticket.escalated.v1', { fromTier: 'L1', toTier: 'L2', assignee: { ...senior }, reason: 'r' });
    const toL3 = sampleEvent('support.ticket.escalated.v1', { fromTier: 'L2', toTier: 'L3', assignee: { ...lead }, reason: 'r' });
    const atL2 = [...HISTORIES.contacted, toL2];
    const atL3 = [...atL2, toL3];

    it('goes up one tier at a time, with the request recorded', () => {
      spec
        .given(HISTORIES.contacted)
        .when(command('RequestEscalation', { reason: 'driver conflict' }))
        .then([sampleEvent('support.ticket.escalation-requested.v1', { reason: 'driver conflict', fromTier: 'L1' })]);
      spec
        .given(atL2)
        .when(command('Escalate', { toTier: 'L3', assignee: { ...lead }, reason: 'still broken', decisionId: undefined }))
        .then([
          {
            type: 'support.ticket.escalated.v1',
            data: { ticketId: TICKET_ID, fromTier: 'L2', toTier: 'L3', assignee: { ...lead }, reason: 'still broken' },
          },
        ]);
      expect(ticketAfter(atL3)).toMatchObject({ state: 'contacted', tier: 'L3', assignee: lead });
    });

    it('clears a pending request once escalated', () => {
      const requested = [...HISTORIES.contacted, EXPECTED_EVENTS.RequestEscalation];
      expect(ticketAfter(requested).pendingEscalation).toEqual({ reason: 'beyond the SOP', fromTier: 'L1' });
      expect(ticketAfter([...requested, toL2]).pendingEscalation).toBeUndefined();
    });

    it('L3 is final: neither a request nor an escalation goes further', () => {
      spec
        .given(atL3)
        .when(COMMANDS.RequestEscalation)
        .thenRejects('illegal-transition', /in state contacted: tier L3 is final/);
      spec
        .given(atL3)
        .when(command('Escalate', { toTier: 'L3', assignee: { ...lead } }))
        .thenRejects('illegal-transition', /in state contacted: tier L3 is final/);
    });

    it('refuses to skip a tier or to escalate to the tier it is at', () => {
      spec
        .given(HISTORIES.contacted)
        .when(command('Escalate', { toTier: 'L3', assignee: { ...lead } }))
        .thenRejects('illegal-transition', /in state contacted: .*tier L1.*only go to L2, not L3/);
      spec
        .given(atL2)
        .when(command('Escalate', { toTier: 'L2' }))
        .thenRejects('illegal-transition', /only go to L3, not L2/);
    });

    it('refuses an escalation without a reason', () => {
      spec
        .given(HISTORIES.contacted)
        .when(command('RequestEscalation', { reason: '  ' }))
        .thenRejects('invalid-command', /reason/);
      spec
        .given(HISTORIES.contacted)
        .when(command('Escalate', { reason: '' }))
        .thenRejects('invalid-command', /reason/);
    });
  });

  describe('feedback', () => {
    const withFeedback = [...HISTORIES.resolved, EXPECTED_EVENTS.GiveFeedback];

    it('is taken once, on a resolved ticket and still after closing', () => {
      expect(ticketAfter(withFeedback)).toMatchObject({ state: 'resolved', satisfaction: 4 });
      spec
        .given(withFeedback)
        .when(COMMANDS.GiveFeedback)
        .thenRejects('illegal-transition', /in state resolved: feedback was already given/);
      spec
        .given([...withFeedback, EXPECTED_EVENTS.Close])
        .when(COMMANDS.GiveFeedback)
        .thenRejects('illegal-transition', /in state closed/);
      spec.given(HISTORIES.closed).when(COMMANDS.GiveFeedback).then([EXPECTED_EVENTS.GiveFeedback]);
    });

    it('stays once per ticket even after a reopen and a new resolution', () => {
      const again = [...withFeedback, sampleEvent('support.ticket.reopened.v1'), sampleEvent('support.ticket.resolved.v1')];
      spec
        .given(again)
        .when(COMMANDS.GiveFeedback)
        .thenRejects('illegal-transition', /already given/);
    });

    it.each([0, 6, 4.5, Number.NaN])('refuses satisfaction %s', (satisfaction) => {
      spec
        .given(HISTORIES.resolved)
        .when(command('GiveFeedback', { satisfaction }))
        .thenRejects('invalid-command', /satisfaction/);
    });

    it.each([1, 5])('accepts satisfaction %s with a comment', (satisfaction) => {
      spec
        .given(HISTORIES.resolved)
        .when(command('GiveFeedback', { satisfaction, comment: 'ok' }))
        .then([sampleEvent('support.ticket.feedback-given.v1', { satisfaction, comment: 'ok' })]);
    });
  });

  describe('reopen', () => {
    const reopened = HISTORIES.reopened;

    it('needs a reason', () => {
      spec
        .given(HISTORIES.closed)
        .when(command('Reopen', { reason: '' }))
        .thenRejects('invalid-command', /reason/);
    });

    it('clears the resolution, keeps the assignee, and the ticket is worked again through to closed', () => {
      expect(ticketAfter(reopened)).toMatchObject({ state: 'reopened', reopenCount: 1, assignee: agent, reopenReason: 'stream drops again' });
      expect(ticketAfter(reopened).resolution).toBeUndefined();

      spec.given(reopened).when(COMMANDS.Contact).then([EXPECTED_EVENTS.Contact]);
      const contacted = [...reopened, EXPECTED_EVENTS.Contact];
      spec.given(contacted).when(COMMANDS.Diagnose).then([EXPECTED_EVENTS.Diagnose]);
      const diagnosed = [...contacted, EXPECTED_EVENTS.Diagnose];
      spec.given(diagnosed).when(COMMANDS.Resolve).then([EXPECTED_EVENTS.Resolve]);
      const resolved = [...diagnosed, EXPECTED_EVENTS.Resolve];
      spec.given(resolved).when(COMMANDS.Close).then([EXPECTED_EVENTS.Close]);
      const closed = ticketAfter([...resolved, EXPECTED_EVENTS.Close]);
      expect(closed).toMatchObject({ state: 'closed', resolution: { resolution: 'reset the capture card', remote: true }, reopenCount: 1 });
      expect(closed.firstContactedAt).toBe('2025-03-03T02:10:00.000Z');
      expect(closed.lastContactedAt).toBe(NOW.toISOString());
    });
  });

  describe('quotes', () => {
    it('default to CNY, must be whole non-negative cents, and may be 0', () => {
      spec
        .given(HISTORIES.diagnosed)
        .when(command('Quote', { amount: 0, currency: undefined }))
        .then([{ type: 'support.ticket.quoted.v1', data: { ticketId: TICKET_ID, amount: 0, currency: 'CNY' } }]);
      spec
        .given(HISTORIES.diagnosed)
        .when(command('Quote', { amount: -1 }))
        .thenRejects('invalid-command', /amount/);
      spec
        .given(HISTORIES.diagnosed)
        .when(command('Quote', { amount: 99.5 }))
        .thenRejects('invalid-command', /amount/);
      spec
        .given(HISTORIES.diagnosed)
        .when(command('Quote', { currency: 'rmb' }))
        .thenRejects('invalid-command', /currency/);
      spec
        .given(HISTORIES.diagnosed)
        .when(command('Quote', { amount: 2000, currency: 'USD', note: 'abroad' }))
        .then([sampleEvent('support.ticket.quoted.v1', { amount: 2000, currency: 'USD', note: 'abroad' })]);
    });

    it('declined goes back to diagnosed, a new quote replaces it and can be accepted', () => {
      const declined = [...HISTORIES.quoted, EXPECTED_EVENTS.DeclineQuote];
      expect(ticketAfter(declined)).toMatchObject({ state: 'diagnosed', quote: { status: 'declined', declineReason: 'too expensive' } });
      const requoted = [...declined, EXPECTED_EVENTS.Quote];
      expect(ticketAfter(requoted).quote).toEqual({ amount: 8800, currency: 'CNY', status: 'pending' });
      spec
        .given(requoted)
        .when(COMMANDS.AcceptQuote)
        .then([sampleEvent('support.ticket.quote-accepted.v1', { amount: 8800, currency: 'CNY' })]);
    });
  });

  describe('on-site work', () => {
    it('checks the technician in on the booked visit only, not in the future', () => {
      const other = '00000000-0000-4000-8000-000000000000';
      spec
        .given(HISTORIES['on-site'])
        .when(command('TechnicianOnSite', { visitId: other }))
        .thenRejects('illegal-transition', new RegExp(`in state on-site: visit ${other} is not the booked visit ${VISIT_ID}`));
      spec
        .given(HISTORIES['on-site'])
        .when(command('TechnicianOnSite', { arrivedAt: new Date(NOW.getTime() + 60_000) }))
        .thenRejects('invalid-command', /arrivedAt/);
    });

    it('refuses an appointment in the past', () => {
      spec
        .given(HISTORIES['in-progress'])
        .when(command('ScheduleOnSite', { appointmentAt: new Date(NOW.getTime() - 1) }))
        .thenRejects('invalid-command', /appointmentAt/);
    });

    it('books a visit right after first contact, when remote guidance fails before any diagnosis', () => {
      spec.given(HISTORIES.contacted).when(COMMANDS.ScheduleOnSite).then([EXPECTED_EVENTS.ScheduleOnSite]);
      expect(ticketAfter([...HISTORIES.contacted, EXPECTED_EVENTS.ScheduleOnSite])).toMatchObject({
        state: 'on-site',
        visit: { visitId: VISIT_ID, appointmentAt: LATER.toISOString() },
      });
    });
  });

  describe('field-service steps', () => {
    const step = (fields: Partial<Extract<TicketCommand, { type: 'RecordFieldServiceStep' }>>) => command('RecordFieldServiceStep', fields);
    const recorded = (data: Omit<TicketEventData<'support.ticket.field-service-recorded.v2'>, 'ticketId'>) => ({
      type: 'support.ticket.field-service-recorded.v2' as const,
      data: { ticketId: TICKET_ID, ...data },
    });
    const stepAt = new Date('2025-03-04T02:40:00.000Z');

    it('records a signed visit with the signature hash only, and a reviewed sheet with its visit and note', () => {
      spec
        .given(HISTORIES['on-site'])
        .when(step({ step: 'visit-signed', stepAt, signatureSha256: SIGNATURE_SHA256 }))
        .then([recorded({ step: 'visit-signed', visitId: VISIT_ID, at: stepAt.toISOString(), signatureSha256: SIGNATURE_SHA256 })]);
      spec
        .given(HISTORIES.resolved)
        .when(step({ step: 'sheet-approved', visitId: VISIT_ID, sheetId: SHEET_ID, stepAt, note: 'complete and clear' }))
        .then([recorded({ step: 'sheet-approved', visitId: VISIT_ID, sheetId: SHEET_ID, at: stepAt.toISOString(), note: 'complete and clear' })]);
      spec
        .given(HISTORIES.closed)
        .when(step({ step: 'sheet-archived', visitId: undefined, sheetId: SHEET_ID, stepAt }))
        .then([recorded({ step: 'sheet-archived', sheetId: SHEET_ID, at: stepAt.toISOString() })]);
    });

    it('records the fine-grained steps too (a work-log entry, a sheet drafted and revised), as v2', () => {
      spec
        .given(HISTORIES['on-site'])
        .when(step({ step: 'visit-work-logged', stepAt, note: 'replaced the HDMI module' }))
        .then([recorded({ step: 'visit-work-logged', visitId: VISIT_ID, at: stepAt.toISOString(), note: 'replaced the HDMI module' })]);
      spec
        .given(HISTORIES.resolved)
        .when(step({ step: 'sheet-drafted', sheetId: SHEET_ID, stepAt, note: 'on-site sheet by m-agent' }))
        .then([recorded({ step: 'sheet-drafted', visitId: VISIT_ID, sheetId: SHEET_ID, at: stepAt.toISOString(), note: 'on-site sheet by m-agent' })]);
      spec
        .given(HISTORIES.resolved)
        .when(step({ step: 'sheet-revised', visitId: undefined, sheetId: SHEET_ID, stepAt }))
        .then([recorded({ step: 'sheet-revised', sheetId: SHEET_ID, at: stepAt.toISOString() })]);
    });

    it("takes a step time from field-service even when it is later than intake's now (clocks differ)", () => {
      const ahead = new Date(NOW.getTime() + 60_000);
      spec
        .given(HISTORIES['on-site'])
        .when(step({ stepAt: ahead }))
        .then([recorded({ step: 'visit-prepared', visitId: VISIT_ID, at: ahead.toISOString() })]);
    });

    it('keeps the stage and the booked visit', () => {
      const before = ticketAfter(HISTORIES['on-site']);
      // v1, which streams recorded before v2 still hold, folds like v2
      const after = ticketAfter([
        ...HISTORIES['on-site'],
        EXPECTED_EVENTS.RecordFieldServiceStep,
        sampleEvent('support.ticket.field-service-recorded.v1'),
        sampleEvent('support.ticket.field-service-recorded.v2'),
      ]);
      expect(after).toEqual(before);
    });

    it.each([
      [
        'an unknown step',
        { step: 'visit-completed' as never },
        /^step must be one of visit-requested, visit-rescheduled, .*sheet-archived, visit-work-logged, sheet-drafted, sheet-revised$/,
      ],
      ['an invalid step time', { stepAt: new Date('soon') }, /^stepAt must be a valid date$/],
      ['a visit step without its visit', { step: 'visit-cancelled' as const, visitId: undefined }, /^visitId is required for a visit-cancelled step$/],
      ['a visit id that is not a uuid', { visitId: 'visit-1' }, /^visitId must be a uuid$/],
      ['a sheet step without its sheet', { step: 'sheet-rejected' as const, sheetId: undefined, note: 'no photos' }, /^sheetId is required for a sheet-rejected step$/],
      ['a sheet id that is not a uuid', { step: 'sheet-submitted' as const, sheetId: 'S-1' }, /^sheetId must be a uuid$/],
      ['a signed visit without the signature hash', { step: 'visit-signed' as const }, /^signatureSha256 is required for a visit-signed step$/],
      ['a signature hash that is not a sha256', { step: 'visit-signed' as const, signatureSha256: 'abc' }, /^signatureSha256 must be 64 lower-case hex/],
    ])('refuses %s, naming the field', (_what, fields, reason) => {
      spec.given(HISTORIES['on-site']).when(step(fields)).thenRejects('invalid-command', reason);
    });
  });

  describe('value rules', () => {
    it('open needs a name, a phone or wechat id, a device and a problem, and a request time not in the future', () => {
      const open = (fields: object) => spec.given([]).when({ ...COMMANDS.OpenTicket, ...fields } as TicketCommand);
      open({ customer: { name: 'Zhang San' } }).thenRejects('invalid-command', /phone or a wechat/);
      open({ customer: { name: ' ', wechat: 'zs' } }).thenRejects('invalid-command', /customer.name/);
      open({ deviceModel: '' }).thenRejects('invalid-command', /deviceModel/);
      open({ problem: '' }).thenRejects('invalid-command', /problem/);
      open({ channel: 'fax' }).thenRejects('invalid-command', /channel/);
      open({ urgency: 'whenever' }).thenRejects('invalid-command', /urgency/);
      open({ requestedAt: new Date(NOW.getTime() + 1000) }).thenRejects('invalid-command', /requestedAt/);
      open({ at: new Date('not a date') }).thenRejects('invalid-command', /at must be a valid date/);
      open({ requestedAt: undefined, customer: { name: 'Zhang San', wechat: 'zs' } }).then([
        {
          type: 'support.ticket.received.v1',
          data: {
            ...(EXPECTED_EVENTS.OpenTicket.data as TicketEventData<'support.ticket.received.v1'>),
            customer: { name: 'Zhang San', wechat: 'zs' },
            requestedAt: NOW.toISOString(),
          },
        },
      ]);
    });

    it('opening an existing ticket is refused', () => {
      spec
        .given(HISTORIES.received)
        .when(COMMANDS.OpenTicket)
        .thenRejects('illegal-transition', /in state received: it already exists/);
    });

    it('cancel needs a reason, and a cancelled ticket takes nothing more', () => {
      spec
        .given(HISTORIES.assigned)
        .when(command('Cancel', { reason: '' }))
        .thenRejects('invalid-command', /reason/);
      expect(ticketAfter(HISTORIES.cancelled)).toMatchObject({ state: 'cancelled', cancelReason: 'customer withdrew the request' });
    });

    it('diagnose and resolve need their texts; contact time cannot be in the future', () => {
      spec
        .given(HISTORIES.contacted)
        .when(command('Diagnose', { faultCategory: '' }))
        .thenRejects('invalid-command', /faultCategory/);
      spec
        .given(HISTORIES.contacted)
        .when(command('Diagnose', { difficulty: 'easy' as never }))
        .thenRejects('invalid-command', /difficulty/);
      spec
        .given(HISTORIES.contacted)
        .when(command('Resolve', { resolution: ' ' }))
        .thenRejects('invalid-command', /resolution/);
      spec
        .given(HISTORIES.assigned)
        .when(command('Contact', { contactedAt: new Date(NOW.getTime() + 1) }))
        .thenRejects('invalid-command', /contactedAt/);
      spec
        .given(HISTORIES.assigned)
        .when(command('Contact', { contactedAt: new Date('2025-03-03T05:00:00.000Z'), note: 'called earlier' }))
        .then([sampleEvent('support.ticket.contacted.v1', { channel: 'wechat', contactedAt: '2025-03-03T05:00:00.000Z', note: 'called earlier' })]);
    });

    it('a command for another ticket than the loaded one is a bug and throws', () => {
      expect(() => ticketDecider.decide({ ...COMMANDS.Close, ticketId: 'other' }, fold(HISTORIES.resolved))).toThrow(/other/);
    });

    it('the actor is carried by the command, not copied into event data', () => {
      const decision = ticketDecider.decide({ ...COMMANDS.Close, actor: { ...actor, id: 'someone-else' } }, fold(HISTORIES.resolved));
      expect(decision).toEqual({ ok: true, events: [EXPECTED_EVENTS.Close] });
    });
  });
});

describe('TicketCommandInput', () => {
  it('keeps each command type with its own fields, without ticketId, actor and at', () => {
    const inputs: TicketCommandInput[] = [
      { type: 'Assign', assignee: { ...agent }, tier: 'L1' },
      { type: 'Quote', amount: 100 },
      // @ts-expect-error a Quote has no channel
      { type: 'Quote', amount: 100, channel: 'phone' },
    ];
    expect(inputs.map((input) => ({ ...input, ticketId: TICKET_ID, actor, at: NOW })).map((c) => c.type)).toEqual(['Assign', 'Quote', 'Quote']);
  });
});
