import { answer, clientsOf } from './support/api-clients';
import { RunningSystem, startSystem, waitFor } from './support/system-harness';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('0000000d49484452000000010000000108060000001f15c489', 'hex')]);

type Step = { seq: number; type: string; at: string; occurredAt: string; causationId: string | null; data: Record<string, unknown> };
type FieldServiceEntry = { id: string; type: string; at: string };

// what each field-service event becomes in the ticket's history: every step is recorded (README, on-site visits)
const TICKET_STEP: Record<string, string> = {
  'support.visit.requested.v1': 'support.ticket.field-service-recorded.v2:visit-requested',
  'support.visit.scheduled.v1': 'support.ticket.on-site-scheduled.v1',
  'support.visit.prepared.v1': 'support.ticket.field-service-recorded.v2:visit-prepared',
  'support.visit.checked-in.v1': 'support.ticket.technician-on-site.v1',
  'support.visit.work-logged.v1': 'support.ticket.field-service-recorded.v2:visit-work-logged',
  'support.visit.completed.v1': 'support.ticket.resolved.v1',
  'support.visit.signed.v1': 'support.ticket.field-service-recorded.v2:visit-signed',
  'support.sheet.drafted.v1': 'support.ticket.field-service-recorded.v2:sheet-drafted',
  'support.sheet.revised.v1': 'support.ticket.field-service-recorded.v2:sheet-revised',
  'support.sheet.submitted.v1': 'support.ticket.field-service-recorded.v2:sheet-submitted',
  'support.sheet.approved.v1': 'support.ticket.field-service-recorded.v2:sheet-approved',
  'support.sheet.archived.v1': 'support.ticket.field-service-recorded.v2:sheet-archived',
};

// intake, routing and field-service over real HTTP, Kafka and PostgreSQL: an on-site repair from ticket to archived sheet
describe('an on-site repair', () => {
  let system: RunningSystem;
  let lead: string;
  let agent: string;
  let desk: string;

  beforeAll(async () => {
    system = await startSystem({ fieldService: true });
    lead = await system.token({ role: 'lead', id: 'm-lead' });
    agent = await system.token({ role: 'agent', id: 'm-agent' });
    desk = await system.token({ role: 'intake', id: 'cs-desk' });
    await answer(
      clientsOf(system, lead).routing.POST('/v1/members', {
        body: { memberId: 'm-agent', role: 'agent', name: 'Agent', tier: 'L1', capacity: 5, skills: [], scenarios: [], onDuty: true },
      }),
      201,
    );
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
  });

  const intake = (token: string) => clientsOf(system, token).intake;
  const field = (token = agent) => clientsOf(system, token).field!;
  const path = (id: string) => ({ params: { path: { id } } });
  const history = async (id: string): Promise<Step[]> => answer(intake(lead).GET('/v1/tickets/{id}/history', path(id)));

  it('goes ticket -> visit -> prepared -> check-in -> work log -> completed -> signed -> sheet drafted, revised, submitted, approved, archived, each step in the ticket history', async () => {
    const { id: ticketId } = await answer(
      intake(desk).POST('/v1/tickets', {
        body: {
          channel: 'wechat',
          customer: { name: '直播间 李先生', wechat: `li_${Date.now()}` },
          deviceModel: 'Blackmagic ATEM Mini Pro',
          problem: '导播台无输出信号',
          urgency: 'normal',
        },
      }),
      201,
    );
    await waitFor('the ticket assigned to the agent', async () => (await history(ticketId)).some((h) => h.type === 'support.ticket.assigned.v1'));
    await answer(intake(agent).POST('/v1/tickets/{id}/contact', { ...path(ticketId), body: { channel: 'wechat' } }));
    await answer(intake(agent).POST('/v1/tickets/{id}/diagnosis', { ...path(ticketId), body: { faultCategory: 'video-switcher', scenario: 'hdmi-output', difficulty: 'common' } }));
    await waitFor('field-service to know the ticket', async () => (await system.field!.runtime.tickets.find(system.field!.runtime.dataSource, ticketId))?.assigneeId === 'm-agent');

    const visit = await answer(field().POST('/v1/visits', { body: { ticketId, reason: '远程排查无果，需上门' } }), 201);
    const start = new Date(Date.now() + 3 * 3_600_000);
    const atVisit = path(visit.id);
    await answer(
      field().POST('/v1/visits/{id}/schedule', {
        ...atVisit,
        body: {
          technician: { id: 'm-agent', role: 'agent' },
          window: { start: start.toISOString(), end: new Date(start.getTime() + 7_200_000).toISOString() },
          address: '杭州市西湖区文三路 90 号',
        },
      }),
    );
    await answer(
      field().POST('/v1/visits/{id}/preparation', {
        ...atVisit,
        body: {
          checklist: { tools: ['螺丝刀', '信号测试仪'], spareParts: ['HDMI 线', '电源适配器'], addressConfirmed: true, deviceStateConfirmed: true, deviceState: '通电但无输出' },
        },
      }),
    );
    await answer(field().POST('/v1/visits/{id}/check-in', { ...atVisit, body: {} }));
    await answer(field().POST('/v1/visits/{id}/work-log', { ...atVisit, body: { entry: '确认故障：HDMI 输出模块损坏' } }));
    await answer(field().POST('/v1/visits/{id}/completion', { ...atVisit, body: { workDone: '更换损坏的 HDMI 输出模块', customerTested: true, usageNotes: '热插拔前先断电' } }));
    await answer(field().POST('/v1/visits/{id}/signature', { ...atVisit, body: { signerName: '李先生', mediaType: 'image/png', imageBase64: PNG.toString('base64') } }));
    const contents = {
      customer: { name: '李先生', contact: 'wechat' },
      device: 'Blackmagic ATEM Mini Pro',
      problem: '导播台无输出信号',
      diagnosis: 'HDMI 输出模块烧毁，板号 A7',
      workDone: '更换 HDMI 输出模块',
      partsUsed: [{ name: 'HDMI 输出模块', quantity: 1 }],
      timeSpentMinutes: 90,
      result: 'fixed' as const,
    };
    const sheet = await answer(field().POST('/v1/sheets', { body: { ticketId, visitId: visit.id, kind: 'on-site', contents } }), 201);
    const atSheet = path(sheet.id);
    await answer(field().PUT('/v1/sheets/{id}/contents', { ...atSheet, body: { contents: { ...contents, timeSpentMinutes: 95 } } }));
    await answer(field().POST('/v1/sheets/{id}/submission', atSheet));
    await answer(field(lead).POST('/v1/sheets/{id}/approval', { ...atSheet, body: {} }));
    await answer(field(lead).POST('/v1/sheets/{id}/archive', atSheet));

    // visits and sheets are two topics: intake records each in order, but either topic's steps may come
    // first, so only the order within the visit and within the sheet is asserted, never across them
    const visitEvents: FieldServiceEntry[] = await answer(field().GET('/v1/visits/{id}/history', atVisit));
    const sheetEvents: FieldServiceEntry[] = await answer(field().GET('/v1/sheets/{id}/history', atSheet));
    expect(sheetEvents.map((e) => e.type)).toEqual([
      'support.sheet.drafted.v1',
      'support.sheet.revised.v1',
      'support.sheet.submitted.v1',
      'support.sheet.approved.v1',
      'support.sheet.archived.v1',
    ]);
    const announced = [...visitEvents, ...sheetEvents];
    const recorded = await waitFor('every field-service step in the ticket history', async () => {
      const steps = await history(ticketId);
      return announced.every((e) => steps.some((h) => h.causationId === e.id)) && steps;
    });
    const label = (h: Step) => (h.data.step ? `${h.type}:${h.data.step}` : h.type);
    const causedBy = (events: FieldServiceEntry[]) => recorded.filter((h) => events.some((e) => e.id === h.causationId));
    for (const events of [visitEvents, sheetEvents]) {
      const steps = causedBy(events);
      // each event recorded once, in its visit's (or sheet's) order, as the step it announced
      expect(steps.map((h) => h.causationId)).toEqual(events.map((e) => e.id));
      expect(steps.map(label)).toEqual(events.map((e) => TICKET_STEP[e.type]));
    }
    expect(causedBy(announced).map(label).sort()).toEqual(Object.values(TICKET_STEP).sort());
    expect(recorded.find((h) => h.data.step === 'visit-signed')?.data).not.toHaveProperty('imageBase64');
    expect(JSON.stringify(recorded)).not.toContain(contents.diagnosis);

    // each entry carries when its field-service event happened, and ?order=occurred reads them in that order
    const occurred: Step[] = await answer(intake(lead).GET('/v1/tickets/{id}/history', { params: { path: { id: ticketId }, query: { order: 'occurred' } } }));
    // the same entries (any appended since are left aside), only in another order
    expect(occurred.filter((h) => h.seq <= recorded.length).sort((a, b) => a.seq - b.seq)).toEqual(recorded);
    for (const h of causedBy(announced)) expect(h.occurredAt).toBe(announced.find((e) => e.id === h.causationId)!.at);
    const times = occurred.map((h) => Date.parse(h.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const ticket = await answer(intake(lead).GET('/v1/tickets/{id}', path(ticketId)));
    expect(ticket.state).toBe('resolved');
    expect(await answer(intake(lead).GET('/v1/tickets/{id}/history/verify', path(ticketId)))).toMatchObject({ valid: true });
  });
});
