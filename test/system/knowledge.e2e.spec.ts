import { ManualClock } from '@support/test-kit';
import { addMinutes, DEFAULT_BUSINESS_CALENDAR } from '../../services/sla-monitor/src/domain/business-calendar';
import { answer, clientsOf } from './support/api-clients';
import { RunningSystem, startSystem, waitFor } from './support/system-harness';

const WORKING_DAY_MINUTES = 9 * 60; // the default calendar: Mon-Fri 09:00-18:00, Asia/Shanghai

// intake, routing, sla-monitor, field-service and knowledge-base over real HTTP, Kafka and PostgreSQL
describe('the knowledge base learning from tickets', () => {
  let system: RunningSystem;
  let lead: string;
  let senior: string;
  let agent: string;
  let desk: string;

  beforeAll(async () => {
    system = await startSystem({ slaClock: new ManualClock(), fieldService: true, knowledgeBase: true });
    lead = await system.token({ role: 'lead', id: 'm-lead' });
    senior = await system.token({ role: 'senior', id: 'm-senior' });
    agent = await system.token({ role: 'agent', id: 'm-agent' });
    desk = await system.token({ role: 'intake', id: 'cs-desk' });
    await answer(
      clientsOf(system, lead).routing.POST('/v1/members', {
        body: { memberId: 'm-agent', role: 'agent', name: 'Agent', tier: 'L1', capacity: 10, skills: [], scenarios: [], onDuty: true },
      }),
      201,
    );
  }, 90_000);

  afterAll(async () => {
    await system?.stop();
  });

  const intake = (token: string) => clientsOf(system, token).intake;
  const kb = (token: string) => clientsOf(system, token).knowledge!;
  const field = (token: string) => clientsOf(system, token).field!;
  const path = (id: string) => ({ params: { path: { id } } });

  async function diagnosedTicket(scenario: string): Promise<string> {
    const opened = await answer(
      intake(desk).POST('/v1/tickets', {
        body: {
          channel: 'phone',
          customer: { name: '钱女士', phone: `+86 135 ${Math.floor(10_000_000 + Math.random() * 89_999_999)}` },
          deviceModel: 'Elgato HD60 X',
          problem: '采集卡接入后画面闪烁',
          urgency: 'normal',
        },
      }),
      201,
    );
    const ticketId = opened.id;
    await waitFor('the assignment', async () => (await answer(intake(lead).GET('/v1/tickets/{id}', path(ticketId)))).assignee);
    await answer(intake(agent).POST('/v1/tickets/{id}/contact', { ...path(ticketId), body: { channel: 'phone' } }));
    await answer(intake(agent).POST('/v1/tickets/{id}/diagnosis', { ...path(ticketId), body: { faultCategory: 'streaming', scenario, difficulty: 'hard' } }));
    return ticketId;
  }

  it('opens a case analysis for a new scenario, due in 3 working days by the business calendar, and its closure fills the catalogue', async () => {
    const scenario = `capture-flicker-${Date.now()}`;
    const ticketId = await diagnosedTicket(scenario);
    const analysis = await waitFor('the analysis with its due time from sla-monitor', async () => {
      const [found] = (await answer(kb(lead).GET('/v1/analyses', { params: { query: { scenarioId: scenario } } }))).items;
      return found?.dueAt !== undefined && found;
    });
    expect(analysis).toMatchObject({ ticketId, scenarioId: scenario, faultCategory: 'streaming', reason: 'new-scenario', status: 'open' });
    const openedAt = new Date(analysis.openedAt);
    // 3 working days of 9 h: nights, weekends and holidays do not count
    expect(new Date(analysis.dueAt!)).toEqual(addMinutes('working', DEFAULT_BUSINESS_CALENDAR, openedAt, 3 * WORKING_DAY_MINUTES));
    expect(new Date(analysis.dueAt!).getTime() - openedAt.getTime()).toBeGreaterThanOrEqual(3 * 24 * 3_600_000 - 15 * 3_600_000);

    const closed = await answer(
      kb(senior).POST('/v1/analyses/{id}/closure', {
        ...path(analysis.analysisId),
        body: {
          conclusion: '采集卡与显示器刷新率不一致导致闪烁',
          article: { kind: 'sop', title: '采集卡画面闪烁处理', body: '将显示器与采集卡的刷新率统一为 60Hz。', tags: ['采集卡'] },
        },
      }),
    );
    expect(closed).toMatchObject({ status: 'closed', scenarioDefined: true });
    expect(await answer(kb(agent).GET('/v1/scenarios/{id}', path(scenario)))).toMatchObject({ fixed: false, sopArticleId: closed.articleId });
    // the clock is met: sla-monitor saw the closure on support.cases.v1
    await waitFor('the analysis clock met', async () => {
      const [clock] = await system.sla!.runtime.dataSource.query(`SELECT status FROM "${system.sla!.schema}".clocks WHERE subject_id = $1`, [analysis.analysisId]);
      return clock?.status === 'met';
    });
  });

  it('files an approved remote service sheet as a case linked to its ticket, scenario and SOP, and finds it by search', async () => {
    const scenario = `obs-encoder-overload-${Date.now()}`;
    const drafted = await answer(
      kb(senior).POST('/v1/articles', {
        body: { kind: 'sop', title: 'OBS 编码过载处理', body: '降低输出分辨率，切换硬件编码 NVENC。', scenarioId: scenario, tags: ['obs', '直播'] },
      }),
      201,
    );
    await kb(senior).POST('/v1/articles/{id}/submission', path(drafted.id));
    expect(await answer(kb(lead).POST('/v1/articles/{id}/publication', path(drafted.id)))).toMatchObject({ status: 'published' });
    await answer(
      kb(lead).PUT('/v1/scenarios/{id}', { ...path(scenario), body: { faultCategory: 'streaming', name: 'OBS 编码过载', fixed: false, sopArticleId: drafted.id } }),
      201,
    );

    const ticketId = await diagnosedTicket(scenario);
    await answer(intake(agent).POST('/v1/tickets/{id}/resolution', { ...path(ticketId), body: { resolution: '切换 NVENC 后推流稳定', remote: true, sopId: drafted.id } }));
    await waitFor('field-service to know the ticket', async () => (await system.field!.runtime.tickets.find(system.field!.runtime.dataSource, ticketId))?.assigneeId);
    const sheet = await answer(
      field(agent).POST('/v1/sheets', {
        body: {
          ticketId,
          kind: 'remote',
          contents: {
            customer: { name: '钱女士', contact: 'phone' },
            device: 'Elgato HD60 X',
            problem: '直播编码过载掉帧',
            diagnosis: 'x264 编码 CPU 过载',
            workDone: '切换 NVENC 硬件编码',
            partsUsed: [],
            timeSpentMinutes: 20,
            result: 'fixed',
          },
        },
      }),
      201,
    );
    await answer(field(agent).POST('/v1/sheets/{id}/submission', path(sheet.id)));
    await answer(field(lead).POST('/v1/sheets/{id}/approval', { ...path(sheet.id), body: {} }));

    // the approval (support.sheets.v1) may reach the knowledge base before the resolution (support.tickets.v1):
    // the case is then filed first and linked to the SOP when the resolution comes
    const filed = await waitFor('the case, linked to its SOP', async () => {
      const found = await kb(agent).GET('/v1/cases/{id}', path(sheet.id));
      return found.response.status === 200 && found.data?.sopArticleId && found.data;
    });
    expect(filed).toMatchObject({ ticketId, sheetId: sheet.id, scenarioId: scenario, sopArticleId: drafted.id, kind: 'remote', result: 'fixed' });
    const hits = (await answer(kb(agent).GET('/v1/search', { params: { query: { q: '编码过载' } } }))).items;
    expect(hits.map((h) => `${h.type}:${h.id}`)).toEqual(expect.arrayContaining([`sop:${drafted.id}`, `case:${sheet.id}`]));
    const reuse = (await answer(kb(lead).GET('/v1/kcs'))).reuse.find((r) => r.articleId === drafted.id);
    expect(reuse).toEqual({ articleId: drafted.id, resolutions: 1, cases: 1 });
  });
});
