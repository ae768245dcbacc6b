import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { serveOnFreePort, signTestTokens } from '@support/service-kit';
import { dropTestSchema, everyItem, jsonRequest, publishEvents, testInfra, uniqueSchemaName, waitFor, serviceDatabase, serviceKafka } from '@support/test-kit';
import { knowledgeBaseService } from '../src/knowledge-base.app';
import { KnowledgeRuntime, startKnowledgeRuntime } from '../src/knowledge-base.providers';

const SECRET = 'knowledge-base-e2e-secret-that-is-long-enough-0123456789';

// knowledge-base alone over real HTTP, PostgreSQL and Kafka; other services' events are published as they would be
describe('knowledge-base', () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('kb');
  let runtime: KnowledgeRuntime;
  let app: INestApplication;
  let url: string;
  let tokens: Record<string, string> = {};

  beforeAll(async () => {
    runtime = await startKnowledgeRuntime(
      { ...infra, ...serviceDatabase('knowledge-base'), ...serviceKafka('knowledge-base'), schema, consumeFromBeginning: false },
      () => undefined,
    );
    ({ app, url } = await serveOnFreePort(knowledgeBaseService, runtime, { ...infra, jwtSecret: SECRET }));
    tokens = await signTestTokens(SECRET, {
      lead: { id: 'm-lead', role: 'lead' },
      senior: { id: 'm-senior', role: 'senior' },
      agent: { id: 'm-agent', role: 'agent' },
      contractor: { id: 'c-zhou', role: 'contractor' },
      analyst: { id: 'ops', role: 'analyst' },
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  });

  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const response = await jsonRequest(`${url}${path}`, tokens[who], method, body);
    return { status: response.status, body: await response.json() };
  };

  /** field-service's approval of a remote sheet, as it publishes it */
  const approveRemoteSheet = (sheetId: string, ticketId: string, contents: Record<string, unknown>) =>
    publishEvents([
      {
        type: 'support.sheet.approved.v1',
        source: 'field-service',
        streamId: sheetId,
        data: { sheetId, ticketId, kind: 'remote', author: { id: 'm-agent', role: 'agent' }, contents },
      },
    ]);

  /** an article written by `author` and published by `reviewer` */
  async function published(
    article: { kind: 'sop' | 'faq'; title: string; body: string; tags?: string[]; scenarioId?: string },
    author = 'senior',
    reviewer = 'lead',
  ): Promise<string> {
    const drafted = await call(author, 'POST', '/v1/articles', { tags: [], ...article });
    expect(drafted.status).toBe(201);
    expect((await call(author, 'POST', `/v1/articles/${drafted.body.id}/submission`)).status).toBe(200);
    expect((await call(reviewer, 'POST', `/v1/articles/${drafted.body.id}/publication`)).body).toMatchObject({ status: 'published' });
    return drafted.body.id;
  }

  it('reviews articles with rights and keeps every version: an author cannot approve their own article', async () => {
    const drafted = await call('senior', 'POST', '/v1/articles', {
      kind: 'sop',
      title: '打印机驱动重装 SOP',
      body: '1. 卸载旧驱动\n2. 重启\n3. 安装官方驱动',
      scenarioId: 'printer-driver-reinstall',
      tags: ['printer'],
    });
    expect(drafted.body).toMatchObject({ status: 'draft', version: 1 });
    const id = drafted.body.id;
    expect((await call('agent', 'POST', '/v1/articles', { kind: 'faq', title: 'x', body: 'y' })).status).toBe(403);
    await call('senior', 'POST', `/v1/articles/${id}/submission`);
    const own = await call('senior', 'POST', `/v1/articles/${id}/publication`);
    expect(own.status).toBe(409);
    expect(own.body.message).toMatch(/author cannot approve their own article/);
    expect((await call('lead', 'POST', `/v1/articles/${id}/publication`)).body).toMatchObject({ status: 'published' });

    const revised = await call('senior', 'PUT', `/v1/articles/${id}`, {
      title: '打印机驱动重装 SOP',
      body: '1. 卸载旧驱动\n2. 清理打印队列\n3. 重启\n4. 安装官方驱动',
      scenarioId: 'printer-driver-reinstall',
      tags: ['printer'],
    });
    expect(revised.body).toMatchObject({ status: 'draft' });
    const article = (await call('agent', 'GET', `/v1/articles/${id}`)).body;
    expect(article).toMatchObject({ status: 'draft', publishedVersion: 1 });
    expect(article.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const diff = await call('agent', 'GET', `/v1/articles/${id}/diff?from=1&to=2`);
    expect(diff.body.patch).toContain('+2. 清理打印队列');
    expect(diff.body.patch).toContain('-2. 重启');
    // search still finds the live version 1 while version 2 is a draft
    const found = (await call('contractor', 'GET', `/v1/search?q=${encodeURIComponent('驱动重装')}`)).body.items;
    expect(found[0]).toMatchObject({ type: 'sop', id, version: 1 });
    expect((await call('agent', 'GET', `/v1/articles/${id}/diff?from=1&to=9`)).status).toBe(404);
    expect((await call('agent', 'GET', `/v1/articles/${id}/diff?from=x&to=2`)).status).toBe(400);
  });

  it('finds articles by Chinese and English queries, ranked, with the version', async () => {
    const blueScreen = await published({
      kind: 'sop',
      title: 'Windows 蓝屏 0x0000007B 处理流程',
      body: '进入 BIOS 切换硬盘模式 AHCI，安全模式下修复存储驱动。Blue screen after a storage driver update.',
    });
    const noPower = await published({ kind: 'faq', title: '笔记本无法开机怎么办', body: '先检查充电指示灯和电源适配器，长按电源键 30 秒放电。' });
    const streaming = await published({ kind: 'sop', title: '直播推流卡顿排查', body: '检查上行带宽、编码器负载和 OBS 码率设置。' });
    const printer = await published({
      kind: 'sop',
      title: 'Reinstalling a printer driver after a Windows update',
      body: 'Remove the old driver, clear the spooler, install the vendor driver.',
    });
    const first = async (q: string) => (await call('agent', 'GET', `/v1/search?q=${encodeURIComponent(q)}`)).body.items[0];
    expect(await first('蓝屏')).toMatchObject({ id: blueScreen, type: 'sop', version: 1 });
    expect(await first('无法开机')).toMatchObject({ id: noPower, type: 'faq' });
    expect(await first('直播推流卡顿')).toMatchObject({ id: streaming });
    expect(await first('printer driver')).toMatchObject({ id: printer });
    expect(await first('blue screen')).toMatchObject({ id: blueScreen });
    expect((await call('agent', 'GET', `/v1/search?q=${encodeURIComponent('无法开机')}&types=sop`)).body.items.map((r: { id: string }) => r.id)).not.toContain(noPower);
    expect((await call('agent', 'GET', '/v1/search?q=%20%20')).status).toBe(400);
    expect((await call('agent', 'GET', '/v1/search?q=x&types=blog')).body.message).toEqual(['types must be a comma-separated list of sop, faq, case']);
  });

  it('files an approved service sheet as a case linked to its ticket, scenario and SOP, searchable', async () => {
    const ticketId = randomUUID();
    const sheetId = randomUUID();
    const sop = await published({ kind: 'sop', title: '采集卡无信号处理', body: '更新采集卡固件，检查 HDMI 线。', scenarioId: 'capture-card-no-signal' });
    await call('lead', 'PUT', '/v1/scenarios/capture-card-no-signal', { faultCategory: 'streaming', name: '采集卡无信号', fixed: false, sopArticleId: sop });
    await publishEvents([
      {
        type: 'support.ticket.diagnosed.v1',
        source: 'intake',
        streamId: ticketId,
        data: { ticketId, faultCategory: 'streaming', scenario: 'capture-card-no-signal', difficulty: 'common' },
      },
      { type: 'support.ticket.resolved.v1', source: 'intake', streamId: ticketId, data: { ticketId, resolution: '更新固件', remote: true, sopId: sop } },
    ]);
    await waitFor('the resolution with its SOP', async () => (await runtime.tickets.find(runtime.dataSource, ticketId))?.resolved);
    await approveRemoteSheet(sheetId, ticketId, {
      customer: { name: '孙经理', contact: '+86 136 4444 5555' },
      device: 'Sony A7M4 + 采集卡',
      problem: '采集卡无信号，直播画面黑屏',
      diagnosis: '采集卡固件过旧',
      workDone: '远程更新采集卡固件',
      partsUsed: [],
      timeSpentMinutes: 25,
      result: 'fixed',
    });
    const filed = await waitFor(
      'the case',
      async () => (await call('agent', 'GET', `/v1/cases/${sheetId}`)).body.caseId && (await call('agent', 'GET', `/v1/cases/${sheetId}`)).body,
    );
    expect(filed).toMatchObject({ caseId: sheetId, ticketId, sheetId, scenarioId: 'capture-card-no-signal', faultCategory: 'streaming', sopArticleId: sop, result: 'fixed' });
    const hits = (await call('agent', 'GET', `/v1/search?q=${encodeURIComponent('采集卡无信号')}&types=case`)).body.items;
    expect(hits[0]).toMatchObject({ type: 'case', id: sheetId });
    const kcs = (await call('lead', 'GET', '/v1/kcs')).body;
    expect(kcs.resolvedWithSop).toBeGreaterThanOrEqual(1);
    expect(kcs.reuse.find((r: { articleId: string }) => r.articleId === sop)).toEqual({ articleId: sop, resolutions: 1, cases: 1 });
  });

  it('links a case filed before the ticket was diagnosed and resolved here: the topics do not keep an order between them', async () => {
    const ticketId = randomUUID();
    const sheetId = randomUUID();
    const scenario = `tv-audio-drift-${randomUUID().slice(0, 8)}`;
    const sop = await published({ kind: 'sop', title: '电视音画不同步处理', body: '关闭功放的音效增强，设置音频延迟补偿。', scenarioId: scenario });
    await approveRemoteSheet(sheetId, ticketId, {
      customer: { name: '周先生', contact: '+86 137 1234 5678' },
      device: '客厅电视 + 功放',
      problem: '音画不同步',
      diagnosis: '功放音效增强带来延迟',
      workDone: '关闭音效增强，补偿 120ms',
      partsUsed: [],
      timeSpentMinutes: 15,
      result: 'fixed',
    });
    const unlinked = await waitFor(
      'the case',
      async () => (await call('agent', 'GET', `/v1/cases/${sheetId}`)).body.caseId && (await call('agent', 'GET', `/v1/cases/${sheetId}`)).body,
    );
    expect(unlinked).not.toHaveProperty('scenarioId');
    expect(unlinked).not.toHaveProperty('sopArticleId');

    const [diagnosis, resolution] = await publishEvents([
      { type: 'support.ticket.diagnosed.v1', source: 'intake', streamId: ticketId, data: { ticketId, faultCategory: 'audio', scenario, difficulty: 'common' } },
      { type: 'support.ticket.resolved.v1', source: 'intake', streamId: ticketId, data: { ticketId, resolution: '关闭音效增强', remote: true, sopId: sop } },
    ]);
    const linked = await waitFor('the case linked to its SOP', async () => {
      const found = (await call('agent', 'GET', `/v1/cases/${sheetId}`)).body;
      return found.sopArticleId && found;
    });
    expect(linked).toMatchObject({ caseId: sheetId, ticketId, scenarioId: scenario, faultCategory: 'audio', sopArticleId: sop, result: 'fixed' });
    // each link is an event on the case's stream, caused by the ticket event it came from
    const stream = await runtime.dataSource.query(`SELECT type, data, metadata FROM "${schema}".events WHERE stream_type = 'case' AND stream_id = $1 ORDER BY version`, [sheetId]);
    expect(stream.map((e: { type: string }) => e.type)).toEqual(['support.case.filed.v1', 'support.case.linked.v1', 'support.case.linked.v1']);
    expect(stream[1]).toMatchObject({
      data: { caseId: sheetId, ticketId, scenarioId: scenario, faultCategory: 'audio' },
      metadata: { causationId: diagnosis, actor: { id: 'knowledge-base' } },
    });
    expect(stream[2]).toMatchObject({ data: { caseId: sheetId, ticketId, sopArticleId: sop }, metadata: { causationId: resolution } });
    // the scenario tags the case for search, and the KCS figures count the case as a reuse of the SOP
    expect((await call('agent', 'GET', `/v1/search?q=${encodeURIComponent(scenario)}&types=case`)).body.items[0]).toMatchObject({ type: 'case', id: sheetId, version: 3 });
    expect((await call('lead', 'GET', '/v1/kcs')).body.reuse.find((r: { articleId: string }) => r.articleId === sop)).toEqual({ articleId: sop, resolutions: 1, cases: 1 });
  });

  it('opens a case analysis for a scenario the catalogue does not know, once, and closing it writes the SOP and the scenario', async () => {
    const scenario = `hdmi-handshake-${randomUUID().slice(0, 8)}`;
    const [first, second] = [randomUUID(), randomUUID()];
    await publishEvents(
      [first, second].map((ticketId) => ({
        type: 'support.ticket.diagnosed.v1',
        source: 'intake',
        streamId: ticketId,
        data: { ticketId, faultCategory: 'video', scenario, difficulty: 'hard' },
      })),
    );
    await waitFor(
      'both diagnoses',
      async () => (await runtime.tickets.find(runtime.dataSource, second))?.scenarioId === scenario && (await runtime.tickets.find(runtime.dataSource, first)),
    );
    const open = (await call('lead', 'GET', `/v1/analyses?scenarioId=${scenario}`)).body.items;
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ scenarioId: scenario, faultCategory: 'video', reason: 'new-scenario', status: 'open' });

    expect((await call('agent', 'POST', `/v1/analyses/${open[0].analysisId}/closure`, { conclusion: 'x' })).status).toBe(403);
    const closed = await call('senior', 'POST', `/v1/analyses/${open[0].analysisId}/closure`, {
      conclusion: 'HDMI 握手失败：更换支持 HDCP 2.2 的线材',
      article: { kind: 'sop', title: 'HDMI 握手失败处理', body: '更换 HDCP 2.2 线材并重新插拔。' },
    });
    expect(closed.body).toMatchObject({ status: 'closed', scenarioDefined: true });
    const article = (await call('lead', 'GET', `/v1/articles/${closed.body.articleId}`)).body;
    expect(article).toMatchObject({ status: 'draft', kind: 'sop' });
    expect(article.versions[0]).toMatchObject({ title: 'HDMI 握手失败处理', scenarioId: scenario });
    expect((await call('contractor', 'GET', `/v1/scenarios/${scenario}`)).body).toMatchObject({ scenarioId: scenario, fixed: false, sopArticleId: closed.body.articleId });
    // the scenario is known now: a new diagnosis opens nothing
    const third = randomUUID();
    await publishEvents([
      { type: 'support.ticket.diagnosed.v1', source: 'intake', streamId: third, data: { ticketId: third, faultCategory: 'video', scenario, difficulty: 'hard' } },
    ]);
    await waitFor('the third diagnosis', () => runtime.tickets.find(runtime.dataSource, third));
    expect((await call('lead', 'GET', `/v1/analyses?scenarioId=${scenario}`)).body.items).toHaveLength(1);
  });

  it('opens a complex-case analysis once per Idempotency-Key; the key with another body is 422', async () => {
    const body = { ticketId: randomUUID(), scenarioId: `raid-rebuild-${randomUUID().slice(0, 8)}`, faultCategory: 'storage' };
    const send = (sent: unknown) => jsonRequest(`${url}/v1/analyses`, tokens.senior, 'POST', sent, { 'Idempotency-Key': `analysis-${body.ticketId}` });
    const first = await send(body);
    expect(first.status).toBe(201);
    const opened = await first.json();
    expect(first.headers.get('location')).toBe(`/v1/analyses/${opened.id}`);
    const retried = await send(body);
    expect([retried.status, retried.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
    expect(await retried.json()).toEqual(opened);
    expect((await call('lead', 'GET', `/v1/analyses?scenarioId=${body.scenarioId}`)).body.items).toHaveLength(1);
    expect((await send({ ...body, faultCategory: 'network' })).status).toBe(422);
  });

  describe('contractor scope: only the cases and analyses of tickets dispatched to them', () => {
    const [ownTicket, othersTicket, reassignedTicket]: string[] = [randomUUID(), randomUUID(), randomUUID()];
    const tag = randomUUID().slice(0, 8);
    const scenarioOf = (ticketId: string) => `scope-${tag}-${[ownTicket, othersTicket, reassignedTicket].indexOf(ticketId)}`;
    const caseOf = new Map<string, string>();
    const analysisOf = new Map<string, string>();

    /** the ticket dispatched to `contractorId`, diagnosed with a new scenario (an analysis opens) and its sheet filed as a case */
    async function workedBy(ticketId: string, contractorId: string, problem: string): Promise<void> {
      const scenario = scenarioOf(ticketId);
      await publishEvents([
        {
          type: 'support.ticket.dispatched-to-contractor.v1',
          source: 'intake',
          streamId: ticketId,
          data: { ticketId, assignee: { id: contractorId, role: 'contractor' }, scenario },
        },
        { type: 'support.ticket.diagnosed.v1', source: 'intake', streamId: ticketId, data: { ticketId, faultCategory: 'printer', scenario, difficulty: 'fixed-scenario' } },
      ]);
      const sheetId = randomUUID();
      await approveRemoteSheet(sheetId, ticketId, {
        customer: { name: '钱女士', contact: '+86 135 2222 3333' },
        device: 'Canon G3800',
        problem,
        diagnosis: `${tag} 墨盒芯片接触不良`,
        workDone: '清洁触点',
        partsUsed: [],
        timeSpentMinutes: 20,
        result: 'fixed',
      });
      caseOf.set(ticketId, sheetId);
      const analyses = await waitFor(`the analysis of ${scenario}`, async () => {
        const found = (await call('agent', 'GET', `/v1/analyses?scenarioId=${scenario}`)).body.items;
        return found.length === 1 && found;
      });
      analysisOf.set(ticketId, analyses[0].analysisId);
      await waitFor('the case', async () => (await call('agent', 'GET', `/v1/cases/${sheetId}`)).status === 200);
    }

    beforeAll(async () => {
      await workedBy(ownTicket, 'c-zhou', `${tag} 自己的工单：打印发白`);
      await workedBy(othersTicket, 'c-sun', `${tag} 别人的工单：卡纸`);
      await workedBy(reassignedTicket, 'c-zhou', `${tag} 转走的工单：不进纸`);
      // escalated away from the contractor: the new assignee is the one who works it now
      await publishEvents([
        {
          type: 'support.ticket.escalated.v1',
          source: 'intake',
          streamId: reassignedTicket,
          data: { ticketId: reassignedTicket, fromTier: 'L1', toTier: 'L2', assignee: { id: 'm-senior', role: 'senior' }, reason: '需要更换主板' },
        },
      ]);
      await waitFor('the escalation', async () => (await runtime.tickets.find(runtime.dataSource, reassignedTicket))?.assignee?.role === 'senior');
    }, 60_000);

    it('lists a contractor the cases of their tickets, and for any other ticket the same empty list as for one that does not exist', async () => {
      expect((await call('contractor', 'GET', `/v1/cases?ticketId=${ownTicket}`)).body.items.map((c: { caseId: string }) => c.caseId)).toEqual([caseOf.get(ownTicket)]);
      for (const ticketId of [othersTicket, reassignedTicket, randomUUID()]) {
        expect(await call('contractor', 'GET', `/v1/cases?ticketId=${ticketId}`)).toEqual({ status: 200, body: { items: [], nextCursor: null } });
      }
      const everyCase = (await call('contractor', 'GET', '/v1/cases')).body.items.map((c: { ticketId: string }) => c.ticketId);
      expect(everyCase).toContain(ownTicket);
      expect(everyCase).not.toEqual(expect.arrayContaining([othersTicket]));
      expect(everyCase).not.toEqual(expect.arrayContaining([reassignedTicket]));
      // members of staff read every case
      expect((await call('agent', 'GET', `/v1/cases?ticketId=${othersTicket}`)).body.items).toHaveLength(1);
    });

    it('answers a contractor 404 for a case or analysis of another ticket, in the same words as for an id that does not exist', async () => {
      const missing = randomUUID();
      expect((await call('contractor', 'GET', `/v1/cases/${caseOf.get(ownTicket)}`)).status).toBe(200);
      expect((await call('contractor', 'GET', `/v1/analyses/${analysisOf.get(ownTicket)}`)).status).toBe(200);
      expect((await call('contractor', 'GET', `/v1/analyses/${analysisOf.get(ownTicket)}/history`)).status).toBe(200);
      for (const ticketId of [othersTicket, reassignedTicket]) {
        for (const [path, id] of [
          ['/v1/cases/', caseOf.get(ticketId)!],
          ['/v1/analyses/', analysisOf.get(ticketId)!],
        ] as const) {
          for (const suffix of path === '/v1/analyses/' ? ['', '/history'] : ['']) {
            const hidden = await call('contractor', 'GET', `${path}${id}${suffix}`);
            const absent = await call('contractor', 'GET', `${path}${missing}${suffix}`);
            expect([hidden.status, String(hidden.body.message).replace(id, '<id>')]).toEqual([404, String(absent.body.message).replace(missing, '<id>')]);
          }
        }
        expect((await call('agent', 'GET', `/v1/analyses/${analysisOf.get(ticketId)}`)).status).toBe(200);
      }
    });

    it('lists a contractor only the analyses of their tickets', async () => {
      expect((await call('contractor', 'GET', `/v1/analyses?scenarioId=${scenarioOf(ownTicket)}`)).body.items.map((a: { ticketId: string }) => a.ticketId)).toEqual([ownTicket]);
      expect((await call('contractor', 'GET', `/v1/analyses?scenarioId=${scenarioOf(othersTicket)}`)).body.items).toEqual([]);
      const open = (await call('contractor', 'GET', '/v1/analyses?status=open')).body.items.map((a: { ticketId: string }) => a.ticketId);
      expect(open).toContain(ownTicket);
      expect(open).not.toContain(othersTicket);
      expect(open).not.toContain(reassignedTicket);
    });

    it('lets search find a contractor only the cases of their tickets', async () => {
      const found = async (who: string) => (await call(who, 'GET', `/v1/search?q=${tag}&types=case`)).body.items.map((hit: { id: string }) => hit.id).sort();
      expect(await found('agent')).toEqual([...caseOf.values()].sort());
      expect(await found('contractor')).toEqual([caseOf.get(ownTicket)]);
    });
  });

  it("shows a lead each consumer group's dead letters and replays them; an agent may not", async () => {
    const group = `${schema}.ticket-events`;
    const poison = randomUUID();
    // a resolution without its fields: the schema refuses it, so it is parked at once
    await publishEvents([{ type: 'support.ticket.resolved.v1', source: 'intake', streamId: poison, data: { ticketId: poison } }]);
    const parkedOf = async () => (await call('lead', 'GET', '/v1/dead-letters?limit=200')).body.items.find((g: { group: string }) => g.group === group);
    expect(await waitFor('the poison parked', async () => (await parkedOf())?.parkedMessages === 1 && parkedOf())).toEqual({
      group,
      deadLetterTopic: `support.dlq.${group}`,
      parkedMessages: 1,
    });
    expect((await call('agent', 'GET', '/v1/dead-letters')).status).toBe(403);
    expect((await call('agent', 'POST', `/v1/dead-letters/${group}/replay`)).status).toBe(403);
    expect((await call('lead', 'POST', '/v1/dead-letters/no-such-group/replay')).status).toBe(404);
    expect(await call('lead', 'POST', `/v1/dead-letters/${group}/replay`)).toEqual({ status: 200, body: { group, replayed: 1 } });
    // still invalid after the replay: parked anew, behind the first
    await waitFor('the poison parked again', async () => (await parkedOf())?.parkedMessages === 2);
  });

  it('lets only a lead mark a scenario fixed, and answers bad input with 400 naming the field', async () => {
    const bySenior = await call('senior', 'PUT', '/v1/scenarios/os-reinstall-test', { faultCategory: 'operating-system', name: '系统重装', fixed: true });
    expect(bySenior.status).toBe(409);
    const byLead = await call('lead', 'PUT', '/v1/scenarios/os-reinstall-test', { faultCategory: 'operating-system', name: '系统重装', fixed: true });
    expect([200, 201]).toContain(byLead.status);
    expect((await everyItem('/v1/scenarios?fixed=true', async (path) => (await call('contractor', 'GET', path)).body)).map((s: { scenarioId: string }) => s.scenarioId)).toContain(
      'os-reinstall-test',
    );
    expect((await call('lead', 'PUT', '/v1/scenarios/Bad Id', { faultCategory: 'x', name: 'y', fixed: false })).status).toBe(400);
    const bad = await call('senior', 'POST', '/v1/articles', { kind: 'manual', title: '', body: 'x', scenarioId: 'Not A Slug' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(expect.arrayContaining([expect.stringMatching(/^kind/), expect.stringMatching(/^title/), expect.stringMatching(/^scenarioId/)]));
    // path and query parameters too: a message array naming the parameter, never a 500 from the database
    expect(await call('agent', 'GET', `/v1/cases?ticketId=${'a'.repeat(36)}`)).toEqual({ status: 400, body: expect.objectContaining({ message: ['ticketId must be a UUID'] }) });
    expect(await call('agent', 'GET', `/v1/cases/${'b'.repeat(36)}`)).toEqual({ status: 400, body: expect.objectContaining({ message: ['id must be a UUID'] }) });
    expect(await call('agent', 'GET', `/v1/articles/${randomUUID()}/versions/first`)).toEqual({
      status: 400,
      body: expect.objectContaining({ message: ['version must be an integer'] }),
    });
  });

  // a case keeps the sheet's device, problem and work, never its customer block: the catalogue marks no
  // personal data in cases, so an analyst reads them as everyone does, with no customer value in them
  it("files a case without the sheet's customer: an analyst finds none of it in the case, the case list or search", async () => {
    const [sheetId, ticketId] = [randomUUID(), randomUUID()];
    const customer = { name: '钱女士', contact: '+86 135 2468 1357' };
    await approveRemoteSheet(sheetId, ticketId, {
      customer,
      device: 'ATEM Mini 导播台',
      problem: '导播台切换时卡死',
      diagnosis: '固件缺陷',
      workDone: '升级导播台固件',
      partsUsed: [],
      timeSpentMinutes: 20,
      result: 'fixed',
    });
    await waitFor('the case', async () => (await call('analyst', 'GET', `/v1/cases/${sheetId}`)).status === 200);
    const reads = async (who: string) => ({
      case: (await call(who, 'GET', `/v1/cases/${sheetId}`)).body,
      cases: (await call(who, 'GET', `/v1/cases?ticketId=${ticketId}`)).body.items,
      search: (await call(who, 'GET', `/v1/search?q=${encodeURIComponent('导播台切换时卡死')}&types=case`)).body.items,
    });
    const analyst = await reads('analyst');
    expect(analyst.case).toMatchObject({ caseId: sheetId, ticketId, device: 'ATEM Mini 导播台', problem: '导播台切换时卡死' });
    expect(analyst.cases).toEqual([analyst.case]);
    expect(analyst.search[0]).toMatchObject({ type: 'case', id: sheetId });
    for (const clear of [customer.name, '135 2468']) expect([clear, JSON.stringify(analyst).includes(clear)]).toEqual([clear, false]);
    expect(await reads('lead')).toEqual(analyst);
  });
});
