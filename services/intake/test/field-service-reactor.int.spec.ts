import { createHash, randomUUID } from 'node:crypto';
import { CustomerSignature, eventCatalogue, SheetContents, SheetEvent, Technician, VisitChecklist, VisitEvent } from '@support/contracts';
import { publishEvents, waitFor } from '@support/test-kit';
import { aTicket, jsonRequest, RunningIntake, startIntake } from './support/intake-harness';

// field-service's visit and sheet events, published as its relay would, become ticket events caused by them

interface HistoryEntry {
  id: string;
  seq: number;
  type: string;
  at: string;
  occurredAt: string;
  actor: { id: string; role: string };
  data: Record<string, unknown>;
  causationId: string | null;
  correlationId: string | null;
}

const HOUR = 3_600_000;
type FieldServiceEvent = VisitEvent | SheetEvent;

const technician: Technician = { id: 'tech-liu', role: 'agent', name: '刘师傅' };
const contents: SheetContents = {
  customer: { name: '王女士', contact: '+86 138 0000 0000' },
  device: 'Dell XPS 15 9520',
  problem: '开机蓝屏，无法进入系统',
  diagnosis: 'faulty RAM module',
  workDone: 'replaced the RAM module and ran a memory test',
  partsUsed: [{ name: 'DDR5 16GB', quantity: 1 }],
  timeSpentMinutes: 50,
  result: 'fixed',
};
// a few PNG bytes stand in for the customer's signature image
const signatureImage = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const signatureSha256 = createHash('sha256').update(signatureImage).digest('hex');

describe('field-service reactor (PostgreSQL + Kafka)', () => {
  let intake: RunningIntake;
  let agent: string;
  let service: string;
  let desk: string;

  beforeAll(async () => {
    intake = await startIntake();
    agent = await intake.token({ role: 'agent', id: 'agent-1' });
    service = await intake.token({ role: 'service', id: 'routing' });
    desk = await intake.token({ role: 'intake', id: 'cs-desk-1' });
  }, 60_000);

  afterAll(async () => {
    await intake?.stop();
  });

  const post = async (path: string, token: string, body: unknown) => {
    const response = await jsonRequest(`${intake.url}${path}`, token, 'POST', body);
    expect([path, response.status]).toEqual([path, path === '/v1/tickets' ? 201 : 200]);
    return response.json();
  };
  const get = async (path: string) => (await jsonRequest(`${intake.url}${path}`, agent, 'GET')).json();
  const historyOf = (ticketId: string): Promise<HistoryEntry[]> => get(`/v1/tickets/${ticketId}/history`);
  const causedBy = async (ticketId: string, eventId: string) => (await historyOf(ticketId)).find((entry) => entry.causationId === eventId);
  const until = (ticketId: string, eventId: string) =>
    waitFor(`the ticket event caused by ${eventId}`, () => causedBy(ticketId, eventId), { describe: async () => (await historyOf(ticketId)).map((e) => e.type) });

  /** a ticket assigned (as routing would), contacted and, unless told otherwise, diagnosed */
  const workedTicket = async (stage: 'contacted' | 'diagnosed' = 'diagnosed') => {
    const { id } = await post('/v1/tickets', desk, aTicket());
    await post(`/v1/tickets/${id}/assignment`, service, { assignee: { id: 'agent-1', role: 'agent' }, tier: 'L1' });
    await post(`/v1/tickets/${id}/contact`, agent, { channel: 'phone' });
    if (stage === 'diagnosed') await post(`/v1/tickets/${id}/diagnosis`, agent, { faultCategory: 'hardware', scenario: 'ram-failure', difficulty: 'hard' });
    return id as string;
  };

  /** publishes one field-service event in CloudEvents binary mode, after checking it against the catalogue */
  const publish = async <Type extends FieldServiceEvent['type']>(
    type: Type,
    data: Extract<FieldServiceEvent, { type: Type }>['data'],
    options: { id?: string; time: Date; correlationId?: string },
  ) => {
    expect([type, eventCatalogue.validate(type, data)]).toEqual([type, { ok: true }]);
    const visit = type.startsWith('support.visit.');
    const streamId = (visit ? data.visitId : (data as { sheetId: string }).sheetId) as string;
    const [id] = await publishEvents([
      {
        type,
        data,
        streamId,
        source: 'field-service',
        actor: { id: technician.id, role: technician.role },
        occurredAt: options.time,
        ...(options.id ? { id: options.id } : {}),
        ...(options.correlationId ? { correlationId: options.correlationId } : {}),
      },
    ]);
    return id;
  };

  const booking = (t0: number) => ({
    technician,
    window: { start: iso(t0 + 3 * HOUR), end: iso(t0 + 5 * HOUR) },
    appointmentAt: iso(t0 + 3 * HOUR),
    address: '上海市浦东新区世纪大道 100 号',
  });

  it('records every field-service step in the ticket history, caused by its event, on-site -> resolved, with the chain verifying', async () => {
    const ticketId = await workedTicket();
    const visitId = randomUUID();
    const sheetId = randomUUID();
    const flow = randomUUID();
    // field-service's events are a day old (intake was behind): each is decided as of its own time
    const t0 = Date.now() - 24 * HOUR;
    const at = (offset: number) => ({ time: new Date(t0 + offset), correlationId: flow });
    const visit = { visitId, ticketId };

    const requested = await publish('support.visit.requested.v1', { ...visit, reason: 'RAM has to be replaced on site' }, at(0));
    const scheduled = await publish('support.visit.scheduled.v1', { ...visit, ...booking(t0) }, at(60_000));
    const checklist: VisitChecklist = {
      tools: ['screwdriver set', 'memory tester'],
      spareParts: ['DDR5 16GB'],
      addressConfirmed: true,
      deviceStateConfirmed: true,
      deviceState: 'boots to a blue screen',
    };
    const prepared = await publish('support.visit.prepared.v1', { ...visit, checklist, preparedAt: iso(t0 + 2 * HOUR), appointmentAt: iso(t0 + 3 * HOUR) }, at(2 * HOUR + 1000));
    const checkedIn = await publish(
      'support.visit.checked-in.v1',
      { ...visit, arrivedAt: iso(t0 + 3 * HOUR - 5 * 60_000), location: { latitude: 31.23, longitude: 121.5 } },
      at(3 * HOUR),
    );
    const workLogged = await publish(
      'support.visit.work-logged.v1',
      { ...visit, entry: 'memory test fails on slot 2', loggedAt: iso(t0 + 3 * HOUR + 600_000) },
      at(3 * HOUR + 600_000),
    );

    await until(ticketId, checkedIn);
    expect(await get(`/v1/tickets/${ticketId}`)).toMatchObject({
      state: 'on-site',
      visit: { visitId, appointmentAt: iso(t0 + 3 * HOUR), arrivedAt: iso(t0 + 3 * HOUR - 5 * 60_000) },
    });

    const completed = await publish(
      'support.visit.completed.v1',
      { ...visit, completedAt: iso(t0 + 4 * HOUR), workDone: contents.workDone, customerTested: true, usageNotes: 'run the memory test after any upgrade' },
      at(4 * HOUR),
    );
    const signature: CustomerSignature = { signerName: '王女士', mediaType: 'image/png', sha256: signatureSha256, imageBase64: signatureImage.toString('base64') };
    const signed = await publish('support.visit.signed.v1', { ...visit, signedAt: iso(t0 + 4 * HOUR + 60_000), signature }, at(4 * HOUR + 61_000));
    await until(ticketId, signed);

    const sheet = { sheetId, ticketId, visitId };
    const customerSignature = { signerName: '王女士', sha256: signatureSha256, signedAt: iso(t0 + 4 * HOUR + 60_000) };
    const author = { id: technician.id, role: technician.role };
    const drafted = await publish('support.sheet.drafted.v1', { ...sheet, kind: 'on-site', author, contents }, at(4 * HOUR + 120_000));
    const submitted = await publish('support.sheet.submitted.v1', { ...sheet, kind: 'on-site', contents, submittedAt: iso(t0 + 5 * HOUR), customerSignature }, at(5 * HOUR + 1000));
    const approved = await publish(
      'support.sheet.approved.v1',
      { ...sheet, kind: 'on-site', contents, author, customerSignature, note: 'complete, photos attached' },
      at(6 * HOUR),
    );
    const archived = await publish('support.sheet.archived.v1', sheet, at(6 * HOUR + 60_000));
    await until(ticketId, archived);

    const history = await historyOf(ticketId);
    expect(history.slice(0, 4).map((e) => e.type)).toEqual([
      'support.ticket.received.v1',
      'support.ticket.assigned.v1',
      'support.ticket.contacted.v1',
      'support.ticket.diagnosed.v1',
    ]);
    const fieldService = history.slice(4);
    const recorded = 'support.ticket.field-service-recorded.v2';
    expect(fieldService.map((e) => [e.type, e.causationId])).toEqual([
      [recorded, requested],
      ['support.ticket.on-site-scheduled.v1', scheduled],
      [recorded, prepared],
      ['support.ticket.technician-on-site.v1', checkedIn],
      [recorded, workLogged],
      ['support.ticket.resolved.v1', completed],
      [recorded, signed],
      [recorded, drafted],
      [recorded, submitted],
      [recorded, approved],
      [recorded, archived],
    ]);
    for (const entry of fieldService) {
      expect(entry.actor).toEqual({ id: 'field-service', role: 'service' });
      expect(entry.correlationId).toBe(flow);
    }
    // each entry carries when its field-service event happened, however late intake recorded it
    expect(fieldService.map((e) => e.occurredAt)).toEqual(
      [0, 60_000, 2 * HOUR + 1000, 3 * HOUR, 3 * HOUR + 600_000, 4 * HOUR, 4 * HOUR + 61_000, 4 * HOUR + 120_000, 5 * HOUR + 1000, 6 * HOUR, 6 * HOUR + 60_000].map((offset) =>
        iso(t0 + offset),
      ),
    );
    for (const entry of fieldService) expect(Date.parse(entry.at)).toBeGreaterThan(Date.parse(entry.occurredAt));

    expect(fieldService.map((e) => e.data)).toEqual([
      { ticketId, step: 'visit-requested', visitId, at: iso(t0), note: 'RAM has to be replaced on site' },
      { ticketId, visitId, appointmentAt: iso(t0 + 3 * HOUR) },
      { ticketId, step: 'visit-prepared', visitId, at: iso(t0 + 2 * HOUR) },
      { ticketId, visitId, arrivedAt: iso(t0 + 3 * HOUR - 5 * 60_000) },
      { ticketId, step: 'visit-work-logged', visitId, at: iso(t0 + 3 * HOUR + 600_000), note: 'memory test fails on slot 2' },
      { ticketId, resolution: contents.workDone, remote: false },
      // the hash of the signature, never the image
      { ticketId, step: 'visit-signed', visitId, at: iso(t0 + 4 * HOUR + 60_000), signatureSha256 },
      // a note, never the sheet's contents
      { ticketId, step: 'sheet-drafted', visitId, sheetId, at: iso(t0 + 4 * HOUR + 120_000), note: 'on-site sheet by tech-liu' },
      { ticketId, step: 'sheet-submitted', visitId, sheetId, at: iso(t0 + 5 * HOUR) },
      { ticketId, step: 'sheet-approved', visitId, sheetId, at: iso(t0 + 6 * HOUR), note: 'complete, photos attached' },
      { ticketId, step: 'sheet-archived', visitId, sheetId, at: iso(t0 + 6 * HOUR + 60_000) },
    ]);
    expect(JSON.stringify(history)).not.toContain(signature.imageBase64);
    for (const entry of fieldService.filter((e) => e.type === recorded)) expect(eventCatalogue.validate(recorded, entry.data)).toEqual({ ok: true });

    expect(await get(`/v1/tickets/${ticketId}`)).toMatchObject({
      state: 'resolved',
      resolution: { resolution: contents.workDone, remote: false },
      visit: { visitId },
    });
    expect(await get(`/v1/tickets/${ticketId}/history/verify`)).toMatchObject({ valid: true, length: 15 });
    expect(intake.runtime.reactors.map((r) => r.stats.parked)).toEqual(intake.runtime.reactors.map(() => 0));
  });

  it('records nothing twice when a field-service event is delivered again', async () => {
    const ticketId = await workedTicket();
    const visitId = randomUUID();
    const sheetId = randomUUID();
    const t0 = Date.now();
    const visit = { visitId, ticketId };
    const requested = { ...visit, reason: 'RAM has to be replaced on site' };
    const scheduled = { ...visit, ...booking(t0) };

    const requestedId = await publish('support.visit.requested.v1', requested, { time: new Date(t0) });
    const scheduledId = await publish('support.visit.scheduled.v1', scheduled, { time: new Date(t0 + 1000) });
    const rejectedId = await publish('support.sheet.rejected.v1', { sheetId, ticketId, reason: 'no photo of the device label' }, { time: new Date(t0 + 2000) });
    // the same events again (same ids), as a redelivery after a crash would bring them
    await publish('support.visit.requested.v1', requested, { id: requestedId, time: new Date(t0) });
    await publish('support.visit.scheduled.v1', scheduled, { id: scheduledId, time: new Date(t0 + 1000) });
    await publish('support.sheet.rejected.v1', { sheetId, ticketId, reason: 'no photo of the device label' }, { id: rejectedId, time: new Date(t0 + 2000) });
    // what comes after each redelivery on its partition (same key) proves the redelivery was handled
    const cancelled = await publish('support.visit.cancelled.v1', { ...visit, reason: 'customer fixed it by swapping the RAM slots' }, { time: new Date(t0 + 3000) });
    const archived = await publish('support.sheet.archived.v1', { sheetId, ticketId }, { time: new Date(t0 + 4000) });
    await until(ticketId, cancelled);
    await until(ticketId, archived);

    const history = await historyOf(ticketId);
    const causes = history.map((e) => e.causationId).filter((id) => id !== null);
    for (const id of [requestedId, scheduledId, rejectedId, cancelled, archived]) expect(causes.filter((c) => c === id)).toHaveLength(1);
    expect(history).toHaveLength(4 + 5);
    expect(history.find((e) => e.causationId === rejectedId)?.data).toEqual({
      ticketId,
      step: 'sheet-rejected',
      sheetId,
      at: iso(t0 + 2000),
      note: 'no photo of the device label',
    });
    expect(history.find((e) => e.causationId === cancelled)?.data).toMatchObject({ step: 'visit-cancelled', note: 'customer fixed it by swapping the RAM slots' });
    expect(await get(`/v1/tickets/${ticketId}/history/verify`)).toMatchObject({ valid: true, length: 9 });
  });

  it('books a visit right after first contact, records a second booking as a reschedule, and drops a check-in for the wrong visit', async () => {
    const ticketId = await workedTicket('contacted');
    const [first, second] = [randomUUID(), randomUUID()];
    const t0 = Date.now();

    const booked = await publish('support.visit.scheduled.v1', { visitId: first, ticketId, ...booking(t0) }, { time: new Date(t0) });
    await until(ticketId, booked);
    expect(await get(`/v1/tickets/${ticketId}`)).toMatchObject({ state: 'on-site', visit: { visitId: first } });

    // ScheduleOnSite is not legal on site: the second booking still shows, as a reschedule
    const again = await publish('support.visit.scheduled.v1', { visitId: second, ticketId, ...booking(t0 + HOUR) }, { time: new Date(t0 + 1000) });
    expect((await until(ticketId, again)).data).toEqual({
      ticketId,
      step: 'visit-rescheduled',
      visitId: second,
      at: iso(t0 + 1000),
      note: 'scheduled while the ticket was on-site',
    });

    // the second visit is not the booked one: its check-in is refused and dropped, the partition moves on
    const wrongCheckIn = await publish('support.visit.checked-in.v1', { visitId: second, ticketId, arrivedAt: iso(t0 + 2000) }, { time: new Date(t0 + 2000) });
    const cancelled = await publish('support.visit.cancelled.v1', { visitId: second, ticketId, reason: 'booked twice by mistake' }, { time: new Date(t0 + 3000) });
    await until(ticketId, cancelled);

    const history = await historyOf(ticketId);
    expect(history.some((e) => e.causationId === wrongCheckIn)).toBe(false);
    expect(history.slice(3).map((e) => e.type)).toEqual([
      'support.ticket.on-site-scheduled.v1',
      'support.ticket.field-service-recorded.v2',
      'support.ticket.field-service-recorded.v2',
    ]);
    expect(await get(`/v1/tickets/${ticketId}`)).toMatchObject({ state: 'on-site', visit: { visitId: first } });
    expect(intake.runtime.reactors.map((r) => r.stats.parked)).toEqual(intake.runtime.reactors.map(() => 0));
  });
});

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
