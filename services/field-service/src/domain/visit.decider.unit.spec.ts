import { Actor, Technician, VisitEvent } from '@support/contracts';
import { foldEvents } from '@support/decider';
import {
  agent,
  catalogueCheckedSpecification,
  contractor,
  deepFreeze,
  expectCatalogued,
  hoursAfter,
  lead,
  NOW,
  otherContractor,
  senior,
  TICKET,
  VISIT,
} from '../../test/fixtures/field.test-fixtures';
import { VISIT_COMMAND_TYPES, VisitCommand, VisitCommandType } from './visit.commands';
import { MAX_SIGNATURE_BASE64, visitDecider } from './visit.decider';
import { Visit } from './visit.state';

const spec = catalogueCheckedSpecification(visitDecider);
const fold = (events: VisitEvent[]) => foldEvents(visitDecider, events) as Visit;

const START = hoursAfter(NOW, 24);
const END = hoursAfter(START, 2);
const chen: Technician = { id: 'contractor-chen', role: 'contractor', name: 'Chen' };
const SHA = 'c0ffee'.padEnd(64, '0');
const IMAGE = 'iVBORw0KGgo=';
const ADDRESS = '12 Renmin Road, Hangzhou';

type Fields<T extends VisitCommandType> = Partial<Omit<Extract<VisitCommand, { type: T }>, 'type'>>;
const base = { visitId: VISIT, actor: agent as Actor, at: NOW };
const request = (f: Fields<'RequestVisit'> = {}): VisitCommand => ({ type: 'RequestVisit', ...base, ticketId: TICKET, reason: 'the router must be replaced', ...f });
const schedule = (f: Fields<'ScheduleVisit'> = {}): VisitCommand => ({
  type: 'ScheduleVisit',
  ...base,
  technician: chen,
  window: { start: START, end: END },
  address: ADDRESS,
  ...f,
});
const reschedule = (f: Fields<'RescheduleVisit'> = {}): VisitCommand => ({
  type: 'RescheduleVisit',
  ...base,
  window: { start: hoursAfter(START, 24), end: hoursAfter(END, 24) },
  reason: 'the customer is away',
  ...f,
});
const CHECKLIST = { tools: ['screwdriver'], spareParts: ['router X2'], addressConfirmed: true, deviceStateConfirmed: true, deviceState: 'router off, lights dead' };
const prepare = (f: Fields<'PrepareVisit'> = {}): VisitCommand => ({ type: 'PrepareVisit', ...base, checklist: CHECKLIST, ...f });
const checkIn = (f: Fields<'CheckIn'> = {}): VisitCommand => ({ type: 'CheckIn', ...base, at: START, ...f });
const logWork = (f: Fields<'LogWork'> = {}): VisitCommand => ({ type: 'LogWork', ...base, at: hoursAfter(START, 0.5), entry: 'replaced the router', ...f });
const complete = (f: Fields<'CompleteVisit'> = {}): VisitCommand => ({
  type: 'CompleteVisit',
  ...base,
  at: hoursAfter(START, 1),
  workDone: 'new router installed',
  customerTested: true,
  usageNotes: 'restart it monthly',
  ...f,
});
const sign = (f: Fields<'SignVisit'> = {}): VisitCommand => ({
  type: 'SignVisit',
  ...base,
  at: hoursAfter(START, 1.1),
  signerName: 'Ms Zhou',
  mediaType: 'image/png',
  imageBase64: IMAGE,
  sha256: SHA,
  ...f,
});
const cancel = (f: Fields<'CancelVisit'> = {}): VisitCommand => ({ type: 'CancelVisit', ...base, reason: 'fixed remotely after all', ...f });

const ref = { visitId: VISIT, ticketId: TICKET };
const booking = { technician: chen, window: { start: START.toISOString(), end: END.toISOString() }, appointmentAt: START.toISOString(), address: ADDRESS };
const requested: VisitEvent = { type: 'support.visit.requested.v1', data: { ...ref, reason: 'the router must be replaced' } };
const scheduled: VisitEvent = { type: 'support.visit.scheduled.v1', data: { ...ref, ...booking } };
const prepared: VisitEvent = {
  type: 'support.visit.prepared.v1',
  data: { ...ref, checklist: { ...CHECKLIST, addressConfirmed: true, deviceStateConfirmed: true }, preparedAt: NOW.toISOString(), appointmentAt: START.toISOString() },
};
const checkedIn: VisitEvent = { type: 'support.visit.checked-in.v1', data: { ...ref, arrivedAt: START.toISOString() } };
const workLogged: VisitEvent = { type: 'support.visit.work-logged.v1', data: { ...ref, entry: 'replaced the router', loggedAt: hoursAfter(START, 0.5).toISOString() } };
const completed: VisitEvent = {
  type: 'support.visit.completed.v1',
  data: { ...ref, completedAt: hoursAfter(START, 1).toISOString(), workDone: 'new router installed', customerTested: true, usageNotes: 'restart it monthly' },
};
const signed: VisitEvent = {
  type: 'support.visit.signed.v1',
  data: { ...ref, signedAt: hoursAfter(START, 1.1).toISOString(), signature: { signerName: 'Ms Zhou', mediaType: 'image/png', sha256: SHA, imageBase64: IMAGE } },
};
const cancelled: VisitEvent = { type: 'support.visit.cancelled.v1', data: { ...ref, reason: 'fixed remotely after all' } };

// the history of a visit in each status
const REQUESTED = [requested];
const SCHEDULED = [requested, scheduled];
const PREPARED = [...SCHEDULED, prepared];
const CHECKED_IN = [...PREPARED, checkedIn];
const COMPLETED = [...CHECKED_IN, workLogged, completed];
const SIGNED = [...COMPLETED, signed];
const CANCELLED = [...PREPARED, cancelled];

describe('visit decider', () => {
  it('knows every command type', () => {
    expect([...VISIT_COMMAND_TYPES].sort()).toEqual([
      'CancelVisit',
      'CheckIn',
      'CompleteVisit',
      'LogWork',
      'PrepareVisit',
      'RequestVisit',
      'RescheduleVisit',
      'ScheduleVisit',
      'SignVisit',
    ]);
  });

  describe('the happy path', () => {
    it('goes requested -> scheduled -> prepared -> checked-in -> completed -> signed, each step one valid event', () => {
      spec.given([]).when(request()).then([requested]);
      spec.given(REQUESTED).when(schedule()).then([scheduled]);
      spec.given(SCHEDULED).when(prepare()).then([prepared]);
      spec.given(PREPARED).when(checkIn()).then([checkedIn]);
      spec.given(CHECKED_IN).when(logWork()).then([workLogged]);
      spec
        .given([...CHECKED_IN, workLogged])
        .when(complete())
        .then([completed]);
      spec.given(COMPLETED).when(sign()).then([signed]);
      expect(SIGNED.map((e) => fold(SIGNED.slice(0, SIGNED.indexOf(e) + 1)).status)).toEqual([
        'requested',
        'scheduled',
        'prepared',
        'checked-in',
        'checked-in',
        'completed',
        'signed',
      ]);
    });

    it('folds the events into the whole visit; the signature image stays in the event', () => {
      expect(fold(SIGNED)).toStrictEqual({
        visitId: VISIT,
        ticketId: TICKET,
        status: 'signed',
        reason: 'the router must be replaced',
        technician: chen,
        window: { start: START, end: END },
        appointmentAt: START,
        address: ADDRESS,
        checklist: { ...CHECKLIST, addressConfirmed: true, deviceStateConfirmed: true },
        preparedAt: NOW,
        arrivedAt: START,
        workLog: [{ entry: 'replaced the router', loggedAt: hoursAfter(START, 0.5), by: 'contractor-chen' }],
        completion: { completedAt: hoursAfter(START, 1), workDone: 'new router installed', usageNotes: 'restart it monthly' },
        signature: { signerName: 'Ms Zhou', mediaType: 'image/png', sha256: SHA, signedAt: hoursAfter(START, 1.1) },
      });
      expect(JSON.stringify(fold(SIGNED))).not.toContain(IMAGE);
    });

    it('cancels from requested, scheduled, prepared and checked-in', () => {
      for (const history of [REQUESTED, SCHEDULED, PREPARED, CHECKED_IN]) spec.given(history).when(cancel()).then([cancelled]);
      expect(fold(CANCELLED)).toMatchObject({ status: 'cancelled', cancelReason: 'fixed remotely after all' });
    });
  });

  describe('status rules (409)', () => {
    const ILLEGAL: Array<[string, VisitEvent[], VisitCommand, RegExp]> = [
      ['requesting a visit twice', REQUESTED, request(), /^visit .+ already exists \(it is requested\)$/],
      ['scheduling a scheduled visit (reschedule it)', SCHEDULED, schedule(), /^cannot schedule a visit that is scheduled$/],
      ['rescheduling a requested visit', REQUESTED, reschedule(), /^cannot reschedule a visit that is requested: it must be scheduled first$/],
      ['rescheduling after check-in', CHECKED_IN, reschedule(), /^cannot reschedule a visit that is checked-in$/],
      ['preparing a requested visit', REQUESTED, prepare(), /^cannot prepare a visit that is requested: it must be scheduled first$/],
      ['preparing twice', PREPARED, prepare(), /^cannot prepare a visit that is prepared$/],
      ['checking in before preparation', SCHEDULED, checkIn(), /^cannot check in a visit that is scheduled: it must be prepared first$/],
      ['logging work before check-in', PREPARED, logWork(), /^cannot log work on a visit that is prepared: it must be checked in first$/],
      ['logging work after completion', COMPLETED, logWork(), /^cannot log work on a visit that is completed$/],
      ['completing before check-in', PREPARED, complete(), /^cannot complete a visit that is prepared: it must be checked in first$/],
      ['signing before completion', CHECKED_IN, sign(), /^cannot sign a visit that is checked-in: it must be completed first$/],
      ['signing twice', SIGNED, sign(), /^cannot sign a visit that is signed: it is final$/],
      ['cancelling a completed visit', COMPLETED, cancel(), /^cannot cancel a visit that is completed$/],
      ['cancelling a cancelled visit', CANCELLED, cancel(), /^cannot cancel a visit that is cancelled: it is final$/],
      ['scheduling a cancelled visit', [requested, cancelled], schedule(), /^cannot schedule a visit that is cancelled: it is final$/],
    ];
    it.each(ILLEGAL)('refuses %s', (_name, history, command, reason) => {
      spec.given(history).when(command).thenRejects('illegal-transition', reason);
    });

    it.each([schedule(), reschedule(), prepare(), checkIn(), logWork(), complete(), sign(), cancel()])('$type needs an existing visit (404)', (command) => {
      spec
        .given([])
        .when(command)
        .thenRejects('not-found', new RegExp(`^visit ${VISIT} does not exist$`));
    });

    it('checks the status before the values', () => {
      spec
        .given(SCHEDULED)
        .when(checkIn({ arrivedAt: hoursAfter(START, 5) }))
        .thenRejects('illegal-transition', /must be prepared first/);
    });
  });

  describe('contractors', () => {
    it.each([schedule({ actor: contractor }), cancel({ actor: contractor })])('may not $type even as the technician', (command) => {
      const history = command.type === 'ScheduleVisit' ? REQUESTED : SCHEDULED;
      spec
        .given(history)
        .when(command)
        .thenRejects('illegal-transition', /^a contractor may not \(re\)schedule or cancel visits$/);
    });

    it('may not reschedule', () => {
      spec
        .given(PREPARED)
        .when(reschedule({ actor: contractor }))
        .thenRejects('illegal-transition', /^a contractor may not \(re\)schedule or cancel visits$/);
    });

    const ON_SITE: Array<[string, VisitEvent[], VisitCommand]> = [
      ['prepare', SCHEDULED, prepare({ actor: otherContractor })],
      ['check in', PREPARED, checkIn({ actor: otherContractor })],
      ['log work on', CHECKED_IN, logWork({ actor: otherContractor })],
      ['complete', CHECKED_IN, complete({ actor: otherContractor })],
      ['sign', COMPLETED, sign({ actor: otherContractor })],
    ];
    it.each(ON_SITE)('who is not the technician may not %s the visit', (verb, history, command) => {
      spec
        .given(history)
        .when(command)
        .thenRejects('illegal-transition', new RegExp(`^only the visit's technician may ${verb} this visit, and contractor contractor-sun is not its technician$`));
    });

    it('who is the technician does every on-site step', () => {
      spec
        .given(SCHEDULED)
        .when(prepare({ actor: contractor }))
        .then([prepared]);
      spec
        .given(PREPARED)
        .when(checkIn({ actor: contractor }))
        .then([checkedIn]);
      spec
        .given(CHECKED_IN)
        .when(logWork({ actor: contractor }))
        .then([workLogged]);
      spec
        .given(CHECKED_IN)
        .when(complete({ actor: contractor }))
        .then([completed]);
      spec
        .given(COMPLETED)
        .when(sign({ actor: contractor }))
        .then([signed]);
    });

    it.each([lead, senior, agent])('an employee ($role) may do every step, on site for a contractor technician too', (actor) => {
      for (const [history, command] of [
        [REQUESTED, schedule({ actor })],
        [SCHEDULED, reschedule({ actor })],
        [SCHEDULED, prepare({ actor })],
        [PREPARED, checkIn({ actor })],
        [CHECKED_IN, logWork({ actor })],
        [CHECKED_IN, complete({ actor })],
        [COMPLETED, sign({ actor })],
        [CHECKED_IN, cancel({ actor })],
      ] as Array<[VisitEvent[], VisitCommand]>) {
        expect(visitDecider.decide(command, fold(history))).toMatchObject({ ok: true });
      }
    });
  });

  describe('values (400)', () => {
    const INVALID: Array<[string, VisitEvent[], VisitCommand, RegExp]> = [
      ['a blank request reason', [], request({ reason: ' ' }), /^reason must not be empty$/],
      ['a ticketId that is no UUID', [], request({ ticketId: 'T-1' }), /^ticketId must be a UUID$/],
      ['a visitId that is no UUID', [], request({ visitId: 'v-1' }), /^visitId must be a UUID$/],
      ['an invalid time', [], request({ at: new Date('nope') }), /^at must be a valid date$/],
      ['a window starting in the past', REQUESTED, schedule({ window: { start: hoursAfter(NOW, -1), end: END } }), /^window.start must not be in the past$/],
      ['a window ending at its start', REQUESTED, schedule({ window: { start: START, end: START } }), /^window.end must be after window.start$/],
      ['a window ending before its start', REQUESTED, schedule({ window: { start: END, end: START } }), /^window.end must be after window.start$/],
      ['a window of invalid dates', REQUESTED, schedule({ window: { start: new Date('x'), end: END } }), /^window.start and window.end must be valid dates$/],
      ['a blank address', REQUESTED, schedule({ address: '  ' }), /^address must not be empty$/],
      ['a blank technician id', REQUESTED, schedule({ technician: { id: ' ', role: 'agent' } }), /^technician.id must not be empty$/],
      [
        'a technician of no member role',
        REQUESTED,
        schedule({ technician: { id: 'x', role: 'intake' as 'agent' } }),
        /^technician.role must be one of lead, senior, agent, contractor$/,
      ],
      ['a reschedule into the past', SCHEDULED, reschedule({ window: { start: hoursAfter(NOW, -2), end: END } }), /^window.start must not be in the past$/],
      ['a reschedule without a reason', PREPARED, reschedule({ reason: '' }), /^reason must not be empty$/],
      ['a reschedule to a blank address', SCHEDULED, reschedule({ address: ' ' }), /^address must not be empty$/],
      ['a checklist without tools', SCHEDULED, prepare({ checklist: { ...CHECKLIST, tools: [] } }), /^checklist.tools must list at least one tool$/],
      ['a blank tool', SCHEDULED, prepare({ checklist: { ...CHECKLIST, tools: ['ok', ' '] } }), /^checklist.tools must not contain empty entries$/],
      ['a blank spare part', SCHEDULED, prepare({ checklist: { ...CHECKLIST, spareParts: [''] } }), /^checklist.spareParts must not contain empty entries$/],
      ['an unconfirmed address', SCHEDULED, prepare({ checklist: { ...CHECKLIST, addressConfirmed: false } }), /^checklist.addressConfirmed must be true/],
      ['an unconfirmed device state', SCHEDULED, prepare({ checklist: { ...CHECKLIST, deviceStateConfirmed: false } }), /^checklist.deviceStateConfirmed must be true/],
      ['a blank device state', SCHEDULED, prepare({ checklist: { ...CHECKLIST, deviceState: '' } }), /^checklist.deviceState must not be empty$/],
      ['an arrival in the future', PREPARED, checkIn({ arrivedAt: hoursAfter(START, 1) }), /^arrivedAt must be a valid date, not in the future$/],
      ['a latitude beyond 90', PREPARED, checkIn({ location: { latitude: 91, longitude: 120 } }), /^location.latitude must be a number from -90 to 90$/],
      ['a longitude beyond 180', PREPARED, checkIn({ location: { latitude: 30, longitude: -181 } }), /^location.longitude must be a number from -180 to 180$/],
      ['a blank work log entry', CHECKED_IN, logWork({ entry: ' ' }), /^entry must not be empty$/],
      ['an untested device', CHECKED_IN, complete({ customerTested: false }), /^customerTested must be true: the customer tests the device before the visit is complete$/],
      ['blank work done', CHECKED_IN, complete({ workDone: '' }), /^workDone must not be empty$/],
      ['blank usage notes', CHECKED_IN, complete({ usageNotes: '  ' }), /^usageNotes must not be empty$/],
      ['a blank signer', COMPLETED, sign({ signerName: ' ' }), /^signerName must not be empty$/],
      ['an upper-case sha256', COMPLETED, sign({ sha256: SHA.toUpperCase() }), /^sha256 must be 64 lowercase hex digits/],
      ['a short sha256', COMPLETED, sign({ sha256: 'abc' }), /^sha256 must be 64 lowercase hex digits/],
      ['an empty image', COMPLETED, sign({ imageBase64: '' }), /^imageBase64 must not be empty$/],
      ['an image over the limit', COMPLETED, sign({ imageBase64: 'A'.repeat(MAX_SIGNATURE_BASE64 + 4) }), /^imageBase64 must be at most \d+ characters/],
      ['an unknown media type', COMPLETED, sign({ mediaType: 'image/gif' as 'image/png' }), /^mediaType must be one of image\/png, image\/jpeg$/],
      ['a blank cancel reason', SCHEDULED, cancel({ reason: '' }), /^reason must not be empty$/],
    ];
    it.each(INVALID)('refuses %s, naming the field', (_name, history, command, reason) => {
      spec.given(history).when(command).thenRejects('invalid-command', reason);
    });
  });

  describe('rescheduling', () => {
    it('keeps the technician and address when omitted, and repeats them in the event', () => {
      const start = hoursAfter(START, 24);
      spec
        .given(SCHEDULED)
        .when(reschedule())
        .then([
          {
            type: 'support.visit.rescheduled.v1',
            data: {
              ...ref,
              ...booking,
              window: { start: start.toISOString(), end: hoursAfter(END, 24).toISOString() },
              appointmentAt: start.toISOString(),
              reason: 'the customer is away',
            },
          },
        ]);
    });

    it('takes a new technician and address', () => {
      const wang: Technician = { id: 'agent-wang', role: 'agent' };
      const decision = visitDecider.decide(reschedule({ technician: wang, address: '3 Lake Road' }), fold(PREPARED));
      expect(decision).toMatchObject({ ok: true, events: [{ data: { technician: { id: 'agent-wang', role: 'agent' }, address: '3 Lake Road' } }] });
    });

    it('clears the preparation: the visit is scheduled again and must be prepared again', () => {
      const decision = visitDecider.decide(reschedule(), fold(PREPARED));
      if (!decision.ok) throw new Error(decision.reason);
      const visit = fold([...PREPARED, ...decision.events]);
      expect(visit.status).toBe('scheduled');
      expect(visit).not.toHaveProperty('checklist');
      expect(visit).not.toHaveProperty('preparedAt');
      expect(visit.appointmentAt).toEqual(hoursAfter(START, 24));
      spec
        .given([...PREPARED, ...decision.events])
        .when(checkIn())
        .thenRejects('illegal-transition', /must be prepared first/);
    });
  });

  describe('on site', () => {
    it('preparing late, even after the appointment, is allowed: the SLA monitor records the breach', () => {
      const late = hoursAfter(START, 1);
      spec
        .given(SCHEDULED)
        .when(prepare({ at: late }))
        .then([{ ...prepared, data: { ...prepared.data, preparedAt: late.toISOString() } } as VisitEvent]);
    });

    it('checks in at an earlier arrival, with the location', () => {
      const arrivedAt = hoursAfter(START, -0.25);
      spec
        .given(PREPARED)
        .when(checkIn({ arrivedAt, location: { latitude: 30.27, longitude: 120.15 } }))
        .then([{ type: 'support.visit.checked-in.v1', data: { ...ref, arrivedAt: arrivedAt.toISOString(), location: { latitude: 30.27, longitude: 120.15 } } }]);
    });

    it('keeps each work log entry, in order', () => {
      const second: VisitEvent = {
        type: 'support.visit.work-logged.v1',
        data: { ...ref, entry: 'told the customer about backups', loggedAt: hoursAfter(START, 0.7).toISOString() },
      };
      expect(fold([...CHECKED_IN, workLogged, second]).workLog.map((e) => e.entry)).toEqual(['replaced the router', 'told the customer about backups']);
    });

    it("emits only the schema's fields, whatever else a command carries", () => {
      const sloppy = schedule({ technician: { ...chen, phone: '123' } as Technician });
      const decision = visitDecider.decide({ ...sloppy, extra: 1 } as unknown as VisitCommand, fold(REQUESTED));
      expect(decision).toStrictEqual({ ok: true, events: [scheduled] });
      if (decision.ok) expectCatalogued(decision.events);
    });
  });

  describe('state and bugs', () => {
    it('decide never mutates the state', () => {
      const state = deepFreeze(fold(CHECKED_IN));
      expect(visitDecider.decide(logWork(), state).ok).toBe(true);
      expect(visitDecider.decide(cancel(), state).ok).toBe(true);
    });

    it('throws on a history that cannot be (bugs, not business outcomes)', () => {
      expect(() => fold([requested, requested])).toThrow(/requested twice/);
      expect(() => fold([scheduled])).toThrow(/never requested/);
      expect(() => visitDecider.decide(cancel({ visitId: 'f0000000-0000-4000-8000-000000000000' }), fold(SCHEDULED))).toThrow(/decided on visit/);
    });
  });
});
