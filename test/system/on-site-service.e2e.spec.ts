import { jsonRequest, RunningSystem, startSystem, waitFor } from './support/system-harness';

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
    const registered = await jsonRequest(`${system.routing.url}/v1/members`, lead, 'POST', {
      memberId: 'm-agent',
      role: 'agent',
      name: 'Agent',
      tier: 'L1',
      capacity: 5,
      skills: [],
      scenarios: [],
      onDuty: true,
    });
    expect(registered.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
  });

  const intake = (path: string, token: string, method = 'GET', body?: unknown) => jsonRequest(`${system.intake.url}${path}`, token, method, body);
  const field = async (path: string, method = 'GET', body?: unknown, token = agent) => {
    const response = await jsonRequest(`${system.field!.url}${path}`, token, method, body);
    expect([path, response.status]).toEqual([path, method === 'POST' && !path.includes('/v1/visits/') && !path.includes('/v1/sheets/') ? 201 : 200]);
    return response.json();
  };
  const history = async (ticketId: string): Promise<Step[]> => (await intake(`/v1/tickets/${ticketId}/history`, lead)).json();

  it('goes ticket -> visit -> prepared -> check-in -> work log -> completed -> signed -> sheet drafted, revised, submitted, approved, archived, each step in the ticket history', async () => {
    const opened = await intake('/v1/tickets', desk, 'POST', {
      channel: 'wechat',
      customer: { name: '直播间 李先生', wechat: `li_${Date.now()}` },
      deviceModel: 'Blackmagic ATEM Mini Pro',
      problem: '导播台无输出信号',
      urgency: 'normal',
    });
    expect(opened.status).toBe(201);
    const { id: ticketId } = await opened.json();
    await waitFor('the ticket assigned to the agent', async () => (await history(ticketId)).some((h) => h.type === 'support.ticket.assigned.v1'));
    expect((await intake(`/v1/tickets/${ticketId}/contact`, agent, 'POST', { channel: 'wechat' })).status).toBe(200);
    expect((await intake(`/v1/tickets/${ticketId}/diagnosis`, agent, 'POST', { faultCategory: 'video-switcher', scenario: 'hdmi-output', difficulty: 'common' })).status).toBe(200);
    await waitFor('field-service to know the ticket', async () => (await system.field!.runtime.tickets.find(system.field!.runtime.dataSource, ticketId))?.assigneeId === 'm-agent');

    const visit = await field('/v1/visits', 'POST', { ticketId, reason: '远程排查无果，需上门' });
    const start = new Date(Date.now() + 3 * 3_600_000);
    const steps: Array<[string, unknown]> = [
      [
        'schedule',
        {
          technician: { id: 'm-agent', role: 'agent' },
          window: { start: start.toISOString(), end: new Date(start.getTime() + 7_200_000).toISOString() },
          address: '杭州市西湖区文三路 90 号',
        },
      ],
      [
        'preparation',
        { checklist: { tools: ['螺丝刀', '信号测试仪'], spareParts: ['HDMI 线', '电源适配器'], addressConfirmed: true, deviceStateConfirmed: true, deviceState: '通电但无输出' } },
      ],
      ['check-in', {}],
      ['work-log', { entry: '确认故障：HDMI 输出模块损坏' }],
      ['completion', { workDone: '更换损坏的 HDMI 输出模块', customerTested: true, usageNotes: '热插拔前先断电' }],
      ['signature', { signerName: '李先生', mediaType: 'image/png', imageBase64: PNG.toString('base64') }],
    ];
    for (const [step, body] of steps) await field(`/v1/visits/${visit.id}/${step}`, 'POST', body);
    const contents = {
      customer: { name: '李先生', contact: 'wechat' },
      device: 'Blackmagic ATEM Mini Pro',
      problem: '导播台无输出信号',
      diagnosis: 'HDMI 输出模块烧毁，板号 A7',
      workDone: '更换 HDMI 输出模块',
      partsUsed: [{ name: 'HDMI 输出模块', quantity: 1 }],
      timeSpentMinutes: 90,
      result: 'fixed',
    };
    const sheet = await field('/v1/sheets', 'POST', { ticketId, visitId: visit.id, kind: 'on-site', contents });
    await field(`/v1/sheets/${sheet.id}/contents`, 'PUT', { contents: { ...contents, timeSpentMinutes: 95 } });
    await field(`/v1/sheets/${sheet.id}/submission`, 'POST');
    await field(`/v1/sheets/${sheet.id}/approval`, 'POST', {}, lead);
    await field(`/v1/sheets/${sheet.id}/archive`, 'POST', undefined, lead);

    // visits and sheets are two topics: intake records each in order, but either topic's steps may come
    // first, so only the order within the visit and within the sheet is asserted, never across them
    const visitEvents: FieldServiceEntry[] = await field(`/v1/visits/${visit.id}/history`);
    const sheetEvents: FieldServiceEntry[] = await field(`/v1/sheets/${sheet.id}/history`);
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
    const occurred: Step[] = await (await intake(`/v1/tickets/${ticketId}/history?order=occurred`, lead)).json();
    // the same entries (any appended since are left aside), only in another order
    expect(occurred.filter((h) => h.seq <= recorded.length).sort((a, b) => a.seq - b.seq)).toEqual(recorded);
    for (const h of causedBy(announced)) expect(h.occurredAt).toBe(announced.find((e) => e.id === h.causationId)!.at);
    const times = occurred.map((h) => Date.parse(h.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const ticket = await (await intake(`/v1/tickets/${ticketId}`, lead)).json();
    expect(ticket.state).toBe('resolved');
    expect(await (await intake(`/v1/tickets/${ticketId}/history/verify`, lead)).json()).toMatchObject({ valid: true });
  });
});
