import { eventCatalogue, SheetEvent, sheetEvents, VisitEvent, visitEvents } from '@support/contracts';
import { TicketCommand, ticketDecider } from '../domain';
import { actor, HISTORIES, SHEET_ID, TICKET_ID, VISIT_ID } from '../../test/fixtures/ticket.test-fixtures';
import { ticketCommandForFieldService, WORK_LOG_NOTE_LENGTH } from './field-service.reactor';

type FieldServiceEvent = VisitEvent | SheetEvent;
type Samples = { [Type in FieldServiceEvent['type']]: Extract<FieldServiceEvent, { type: Type }>['data'] };

const TIME = '2025-03-04T02:00:00.000Z';
const visit = { visitId: VISIT_ID, ticketId: TICKET_ID };
const sheet = { sheetId: SHEET_ID, ticketId: TICKET_ID, visitId: VISIT_ID };
const technician = { id: 'tech-liu', role: 'agent' as const, name: '刘师傅' };
const booking = {
  technician,
  window: { start: '2025-03-04T03:00:00.000Z', end: '2025-03-04T05:00:00.000Z' },
  appointmentAt: '2025-03-04T03:00:00.000Z',
  address: '上海市浦东新区世纪大道 100 号',
};
const contents = {
  customer: { name: '王女士', contact: '+86 138 0000 0000' },
  device: 'Dell XPS 15 9520',
  problem: '开机蓝屏',
  diagnosis: 'faulty RAM module',
  workDone: 'replaced the RAM module',
  partsUsed: [{ name: 'DDR5 16GB', quantity: 1 }],
  timeSpentMinutes: 50,
  result: 'fixed' as const,
};
const IMAGE = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ';
const SHA = 'a3f1c9e07b2d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b';
const author = { id: 'tech-liu', role: 'agent' };

// one valid event of every type field-service publishes (the mapped type makes a new one a compile error here)
const samples: Samples = {
  'support.visit.requested.v1': { ...visit, reason: 'remote guidance could not fix it' },
  'support.visit.scheduled.v1': { ...visit, ...booking },
  'support.visit.rescheduled.v1': { ...visit, ...booking, reason: 'the customer is away' },
  'support.visit.prepared.v1': {
    ...visit,
    checklist: { tools: ['screwdriver'], spareParts: ['DDR5 16GB'], addressConfirmed: true, deviceStateConfirmed: true, deviceState: 'blue screen' },
    preparedAt: '2025-03-04T00:00:00.000Z',
    appointmentAt: '2025-03-04T01:00:00.000Z',
  },
  'support.visit.checked-in.v1': { ...visit, arrivedAt: '2025-03-04T00:55:00.000Z' },
  'support.visit.work-logged.v1': { ...visit, entry: 'memory test fails on slot 2', loggedAt: '2025-03-04T01:10:00.000Z' },
  'support.visit.completed.v1': {
    ...visit,
    completedAt: '2025-03-04T01:40:00.000Z',
    workDone: 'replaced the RAM module',
    customerTested: true,
    usageNotes: 'run the memory test after upgrades',
  },
  'support.visit.signed.v1': { ...visit, signedAt: '2025-03-04T01:45:00.000Z', signature: { signerName: '王女士', mediaType: 'image/png', sha256: SHA, imageBase64: IMAGE } },
  'support.visit.cancelled.v1': { ...visit, reason: 'the customer fixed it' },
  'support.sheet.drafted.v1': { ...sheet, kind: 'on-site', author, contents },
  'support.sheet.revised.v1': { ...sheet, contents },
  'support.sheet.submitted.v1': {
    ...sheet,
    kind: 'on-site',
    contents,
    submittedAt: '2025-03-04T02:30:00.000Z',
    customerSignature: { signerName: '王女士', sha256: SHA, signedAt: '2025-03-04T01:45:00.000Z' },
  },
  'support.sheet.approved.v1': { ...sheet, kind: 'on-site', contents, author, note: 'complete' },
  'support.sheet.rejected.v1': { ...sheet, reason: 'no photo of the label' },
  'support.sheet.archived.v1': sheet,
};

const commandFor = (type: FieldServiceEvent['type'], data: unknown = samples[type]) => ticketCommandForFieldService({ type, data, time: TIME });

describe('what intake records of each field-service event', () => {
  const types = [...visitEvents, ...sheetEvents].map((definition) => definition.type);

  it('has a valid sample of every field-service event type', () => {
    expect(Object.keys(samples).sort()).toEqual([...types].sort());
    for (const type of types) expect([type, eventCatalogue.validate(type, samples[type])]).toEqual([type, { ok: true }]);
  });

  // the README: every field-service step reaches the ticket's history
  it.each(types)('records %s in the ticket history, compactly (no sheet contents, no signature image)', (type) => {
    const command = commandFor(type);
    expect(command).not.toBeNull();
    // a booking is decided on a ticket waiting for one; every other step on a ticket on site
    const before = command!.type === 'ScheduleOnSite' ? HISTORIES.contacted : HISTORIES['on-site'];
    const state = before.reduce(ticketDecider.evolve, ticketDecider.initialState());
    const decided = ticketDecider.decide({ ...command!, ticketId: TICKET_ID, actor, at: new Date(TIME) } as TicketCommand, state);
    expect(decided).toMatchObject({ ok: true });
    if (!decided.ok) return;
    for (const event of decided.events) {
      expect(eventCatalogue.validate(event.type, event.data)).toEqual({ ok: true });
      const json = JSON.stringify(event.data);
      expect(json).not.toContain(IMAGE);
      expect(json).not.toContain(contents.diagnosis);
      expect(json.length).toBeLessThan(1_000);
    }
  });

  it('records a work-log entry as visit-work-logged at its logged time, the entry as its note', () => {
    expect(commandFor('support.visit.work-logged.v1')).toEqual({
      type: 'RecordFieldServiceStep',
      step: 'visit-work-logged',
      visitId: VISIT_ID,
      stepAt: new Date('2025-03-04T01:10:00.000Z'),
      note: 'memory test fails on slot 2',
    });
  });

  it('shortens a long work-log entry (the whole entry stays in the visit history), without cutting a character in half', () => {
    const entry = '检测'.repeat(200) + '😀'.repeat(200);
    const note = (commandFor('support.visit.work-logged.v1', { ...samples['support.visit.work-logged.v1'], entry }) as { note: string }).note;
    expect(Array.from(note)).toHaveLength(WORK_LOG_NOTE_LENGTH);
    expect(note.endsWith('…')).toBe(true);
    expect(entry.startsWith(note.slice(0, -1))).toBe(true);
  });

  it('records a sheet drafted with its kind and author, and a revision, never their contents', () => {
    expect(commandFor('support.sheet.drafted.v1')).toEqual({
      type: 'RecordFieldServiceStep',
      step: 'sheet-drafted',
      sheetId: SHEET_ID,
      visitId: VISIT_ID,
      stepAt: new Date(TIME),
      note: 'on-site sheet by tech-liu',
    });
    expect(commandFor('support.sheet.revised.v1')).toEqual({ type: 'RecordFieldServiceStep', step: 'sheet-revised', sheetId: SHEET_ID, visitId: VISIT_ID, stepAt: new Date(TIME) });
  });
});
