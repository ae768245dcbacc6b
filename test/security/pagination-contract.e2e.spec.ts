import { randomUUID } from 'node:crypto';
import { Type } from '@nestjs/common';
import { Role } from '@support/contracts';
import { CURSOR_RULE, encodeCursor, LIMIT_RULE, PAGED_LIST_KEY, signTestToken } from '@support/service-kit';
import { ManualClock } from '@support/test-kit';
import { RunningSystem, startSystem, TEST_SECRET, waitFor } from '../system/support/system-harness';
import { controllersOf, RouteAccess, routesOfController } from './route-metadata';
import { serviceModule, SERVICES } from './services';

// API.md "lists": every list pages by cursor (`limit`, `cursor` -> `{ items, nextCursor }`), never a
// silent cut. The routes come from the metadata the services serve (@PagedList), so a new GET route
// is either a paged list or named below as something else, with the reason: it cannot slip by.

/** a route with whether it answers pages */
interface ContractRoute extends RouteAccess {
  service: string;
  key: string;
  paged: boolean;
}

const ROUTES: ContractRoute[] = SERVICES.flatMap((definition) =>
  controllersOf(serviceModule(definition)).flatMap((controller) => routesOfController(controller).map((route) => describeRoute(definition.serviceName, controller, route))),
);

/**
 * Every GET that is not a paged list, and why. `record`: one resource's whole record, a complete array
 * by API.md (history oldest first, a customer's tickets and timeline, a ticket's clocks, one per rule);
 * `one`: a single resource, report or figure, never a bare array.
 */
const NOT_PAGED: Record<string, 'record' | 'one'> = {
  'GET /health/live': 'one',
  'GET /health/ready': 'one',
  'GET /metrics': 'one',
  'GET /': 'one',
  'GET /app.js': 'one',
  'GET /app.css': 'one',
  'GET /v1/customers/:id/timeline': 'record',
  'GET /v1/kpis/weekly': 'one',
  'GET /v1/reports/weekly.csv': 'one',
  'GET /v1/lead-pool': 'one',
  // the page's chart library and script, and its trend series: each one object holding a bounded series
  'GET /trends.js': 'one',
  'GET /what-if.js': 'one',
  'GET /vendor/uplot.js': 'one',
  'GET /vendor/uplot.css': 'one',
  'GET /v1/trends/rates': 'one',
  'GET /v1/trends/sla-compliance': 'one',
  'GET /v1/trends/queue-depth': 'one',
  'GET /v1/trends/breaches': 'one',
  'GET /v1/projections/checksum': 'one',
  'GET /v1/projections/status': 'one',
  'GET /v1/live': 'one',
  'GET /v1/customers/:id/tickets': 'record',
  'GET /v1/tickets/:id': 'one',
  'GET /v1/tickets/:id/history': 'record',
  'GET /v1/tickets/:id/history/verify': 'one',
  'GET /v1/members/:id': 'one',
  'GET /v1/members/:id/history': 'record',
  'GET /v1/tickets/:id/clocks': 'record',
  'GET /v1/clocks/:clockId/history': 'record',
  'GET /v1/policies': 'one',
  'GET /v1/policies/history': 'record',
  'GET /v1/visits/:id': 'one',
  'GET /v1/visits/:id/history': 'record',
  'GET /v1/visits/:id/history/verify': 'one',
  'GET /v1/sheets/:id': 'one',
  'GET /v1/sheets/:id/history': 'record',
  // a technician's day: bounded, shown whole with the day's bounds
  'GET /v1/technicians/:id/day': 'one',
  'GET /v1/articles/:id': 'one',
  'GET /v1/articles/:id/versions/:version': 'one',
  'GET /v1/articles/:id/diff': 'one',
  'GET /v1/articles/:id/history': 'record',
  'GET /v1/scenarios/:id': 'one',
  'GET /v1/cases/:id': 'one',
  'GET /v1/kcs': 'one',
  'GET /v1/analyses/:id': 'one',
  'GET /v1/analyses/:id/history': 'record',
  'GET /v1/leads/:id': 'one',
  'GET /v1/leads/:id/history': 'record',
  'GET /v1/ratios': 'one',
  'GET /v1/ledger': 'one',
  'GET /v1/webhook-subscriptions/:id': 'one',
  'GET /v1/webhook-subscriptions/:id/deliveries/:deliveryId': 'one',
};

/** how to read one paged list: the query its filters need, and each item's identity */
interface ListSpec {
  query?: string;
  idOf: (item: Json) => string;
}

const LISTS: Record<string, ListSpec> = {
  'GET /v1/tickets': { idOf: (t) => t.id },
  'GET /v1/members': { idOf: (m) => m.memberId },
  'GET /v1/queue': { idOf: (t) => t.ticketId },
  'GET /v1/clocks': { query: 'status=breached', idOf: (c) => c.clockId },
  'GET /v1/visits': { idOf: (v) => v.visitId },
  'GET /v1/sheets': { idOf: (s) => s.sheetId },
  'GET /v1/articles': { idOf: (a) => a.articleId },
  'GET /v1/scenarios': { idOf: (s) => s.scenarioId },
  'GET /v1/cases': { idOf: (c) => c.caseId },
  'GET /v1/analyses': { idOf: (a) => a.analysisId },
  'GET /v1/search': { query: 'q=pagewalk', idOf: (h) => `${h.type}:${h.id}` },
  'GET /v1/leads': { idOf: (l) => l.leadId },
  'GET /v1/hoarding-flags': { idOf: (f) => `${f.leadId}:${f.ticketId}` },
  'GET /v1/sla-board': { idOf: (c) => c.clockId },
  'GET /v1/team': { idOf: (m) => m.memberId },
  'GET /v1/dead-letters': { idOf: (g) => g.group },
  'GET /v1/webhook-subscriptions': { idOf: (w) => w.id },
  'GET /v1/webhook-subscriptions/:id/deliveries': { idOf: (d) => d.id },
};

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const MAX_PAGES = 5_000;
const SHEET_CONTENTS = {
  customer: { name: '翻页先生', contact: '+86 139 0000 0000' },
  device: 'Sony FX3',
  problem: '开机无画面 pagewalk',
  diagnosis: '固件损坏',
  workDone: '远程指导重刷固件 pagewalk',
  partsUsed: [],
  timeSpentMinutes: 25,
  result: 'fixed',
};

describe('the pagination contract of every list', () => {
  let system: RunningSystem;
  let clock: ManualClock;
  const urls = new Map<string, string>();
  const tokens = new Map<Role, string>();
  // the path parameters of lists under a resource (a subscription's deliveries), set by the seeding
  const params = new Map<string, string>();

  beforeAll(async () => {
    clock = new ManualClock();
    system = await startSystem({ slaClock: clock, fieldService: true, knowledgeBase: true, leadPool: true, dashboard: true });
    const running = {
      dashboard: system.dashboard,
      intake: system.intake,
      routing: system.routing,
      'sla-monitor': system.sla,
      'field-service': system.field,
      'knowledge-base': system.knowledge,
      'lead-pool': system.leads,
    };
    for (const [service, served] of Object.entries(running)) urls.set(service, served!.url);
    for (const role of ['lead', 'senior', 'agent', 'analyst', 'intake', 'service'] as const)
      tokens.set(role, await signTestToken(TEST_SECRET, { id: `${role}-of-the-pages`, role }));
    await seed();
  }, 240_000);

  afterAll(async () => {
    await system?.stop();
  }, 60_000);

  describe('the routes say it, and the walk covers them', () => {
    const gets = ROUTES.filter((route) => route.method === 'GET');

    it('marks every GET either a paged list or, for a named reason, something else', () => {
      expect(gets.filter((route) => !route.paged && !(route.key in NOT_PAGED)).map((route) => `${route.service} ${route.key}`)).toEqual([]);
      // and names nothing that pages, or that no longer exists
      expect(Object.keys(NOT_PAGED).filter((key) => !gets.some((route) => route.key === key && !route.paged))).toEqual([]);
    });

    it('walks every paged list, and nothing else', () => {
      expect([...new Set(gets.filter((route) => route.paged).map((route) => route.key))].sort()).toEqual(Object.keys(LISTS).sort());
    });
  });

  it.each(ROUTES.filter((route) => route.paged).map((route) => [`${route.service} ${route.key}`, route] as const))(
    '%s: limit=1 walks every item once, in order, and ends',
    async (_name, route) => {
      // others' events reach the shared topics while the walk runs: the walks must agree on what both saw
      const whole = await walk(route, 200);
      const single = await walk(route, 1);
      for (const [label, ids] of [
        ['limit=200', whole],
        ['limit=1', single],
      ] as const) {
        expect([route.key, label, duplicates(ids)]).toEqual([route.key, label, []]);
      }
      const both = new Set(whole.filter((id) => single.includes(id)));
      expect(single.filter((id) => both.has(id))).toEqual(whole.filter((id) => both.has(id)));
      // what the seeding made for this list is there, at limit=1 too: more than one page to walk
      expect([route.key, whole.length >= minimumOf(route.key), single.length >= minimumOf(route.key)]).toEqual([route.key, true, true]);
    },
    120_000,
  );

  it.each(ROUTES.filter((route) => route.paged).map((route) => [`${route.service} ${route.key}`, route] as const))(
    '%s: a bad limit or cursor is a 400 naming the field',
    async (_name, route) => {
      for (const [bad, rule] of [
        ['limit=0', LIMIT_RULE],
        ['limit=201', LIMIT_RULE],
        ['limit=abc', LIMIT_RULE],
        ['cursor=garbage', CURSOR_RULE],
        [`cursor=${encodeCursor({ notThisList: true })}`, CURSOR_RULE],
      ]) {
        const answer = await read(route, bad);
        expect([route.key, bad, answer.status, answer.body]).toMatchObject([route.key, bad, 400, { statusCode: 400, message: expect.arrayContaining([rule]) }]);
      }
    },
  );

  it("documents limit and cursor, optional, and the page in each paged list's OpenAPI", async () => {
    const problems: string[] = [];
    for (const [service, url] of urls) {
      const document = (await (await fetch(`${url}/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, Json>> };
      for (const route of ROUTES.filter((candidate) => candidate.service === service && candidate.paged)) {
        const operation = document.paths[route.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.get;
        const query: Array<{ name: string; required?: boolean }> = (operation?.parameters ?? []).filter((p: { in: string }) => p.in === 'query');
        const names = query.map((p) => p.name);
        const page = operation?.responses?.['200']?.content?.['application/json']?.schema;
        if (names.length !== new Set(names).size) problems.push(`${service} ${route.key}: a query parameter twice (${names})`);
        for (const name of ['limit', 'cursor']) if (!query.some((p) => p.name === name && p.required === false)) problems.push(`${service} ${route.key}: ${name} not optional`);
        // a filter is optional unless the list needs it (search's q, the clocks' status)
        const required = query.filter((p) => p.required !== false).map((p) => p.name);
        if (required.some((name) => !(LISTS[route.key].query ?? '').includes(`${name}=`))) problems.push(`${service} ${route.key}: required ${required}`);
        if (!page?.properties?.items || !page?.properties?.nextCursor) problems.push(`${service} ${route.key}: no page schema`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('answers no bare array from any other GET that is not a whole record', async () => {
    const others = ROUTES.filter(
      (route) => route.method === 'GET' && !route.paged && !route.stream && !route.isPublic && NOT_PAGED[route.key] === 'one' && !route.path.includes(':'),
    );
    expect(others.length).toBeGreaterThan(5);
    const arrays: string[] = [];
    for (const route of others) {
      const answer = await read(route);
      expect([route.service, route.key, answer.status]).toEqual([route.service, route.key, 200]);
      if (Array.isArray(answer.body)) arrays.push(`${route.service} ${route.key}`);
    }
    expect(arrays).toEqual([]);
  });

  /** the ids of every item of the list, page after page of `limit` */
  async function walk(route: ContractRoute, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; ; pages++) {
      expect([route.key, pages < MAX_PAGES]).toEqual([route.key, true]);
      const answer = await read(route, `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect([route.key, answer.status]).toEqual([route.key, 200]);
      expect([route.key, Array.isArray(answer.body)]).toEqual([route.key, false]);
      const { items, nextCursor } = answer.body as { items: Json[]; nextCursor: string | null };
      expect([route.key, Array.isArray(items), nextCursor === null || typeof nextCursor === 'string']).toEqual([route.key, true, true]);
      expect([route.key, items.length <= limit]).toEqual([route.key, true]);
      ids.push(...items.map(LISTS[route.key].idOf));
      // a page before the last is full: a cursor never leads to an empty page
      if (nextCursor === null) return ids;
      expect([route.key, items.length]).toEqual([route.key, limit]);
      cursor = nextCursor;
    }
  }

  async function read(route: ContractRoute, query = ''): Promise<{ status: number; body: unknown }> {
    const fixed = LISTS[route.key]?.query;
    const search = [fixed, query].filter(Boolean).join('&');
    const role: Role = route.roles === null || route.roles.includes('lead') ? 'lead' : (route.roles.find((allowed) => tokens.has(allowed)) ?? route.roles[0]);
    const path = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => params.get(name) ?? `:${name}`);
    const response = await fetch(`${urls.get(route.service)}${path}${search ? `?${search}` : ''}`, { headers: { authorization: `Bearer ${tokens.get(role)}` } });
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').includes('json');
    return { status: response.status, body: json && text ? JSON.parse(text) : text };
  }

  /** how many items the seeding gave each list (at least): enough that limit=1 has pages to walk */
  function minimumOf(key: string): number {
    return key === 'GET /v1/dead-letters' ? 1 : 2;
  }

  // ---- seeding: a few of everything, each list with at least two items ----

  async function seed(): Promise<void> {
    // members off duty: the tickets wait in routing's queue
    for (let i = 0; i < 3; i++)
      await created('routing', '/v1/members', { memberId: `pages-${randomUUID().slice(0, 8)}`, role: 'agent', name: '翻页', tier: 'L1', capacity: 3, skills: [], scenarios: [] });
    // webhook subscriptions, one of them fed the tickets below: its deliveries are a list too
    const subscriptions: string[] = [];
    for (let i = 0; i < 3; i++)
      subscriptions.push(await created('intake', '/v1/webhook-subscriptions', { url: `https://partner.example.com/pages/${i}`, eventTypes: ['support.ticket.received.v1'] }));
    params.set('id', subscriptions[0]);
    const tickets: string[] = [];
    for (let i = 0; i < 3; i++) tickets.push(await openTicket());
    await waitFor(
      'the tickets queued as deliveries',
      async () => (await send('intake', 'GET', `/v1/webhook-subscriptions/${subscriptions[0]}/deliveries?limit=200`, 'lead')).body.items.length >= 3,
      {
        timeoutMs: 60_000,
      },
    );
    await waitFor('field-service to know the tickets', async () => {
      for (const id of tickets) if ((await system.field!.runtime.tickets.find(system.field!.runtime.dataSource, id)) === undefined) return false;
      return true;
    });
    // sla-monitor's clocks started; then an hour goes by: every first-contact and hand-over clock breached
    await waitFor('the clocks started', async () => (await send('sla-monitor', 'GET', `/v1/tickets/${tickets[2]}/clocks`, 'lead')).body.length > 0);
    clock.advanceMinutes(24 * 60);
    await system.sla!.runtime.monitor.runDue();

    for (const ticketId of tickets) await created('field-service', '/v1/visits', { ticketId, reason: '远程无法解决 pagewalk' });
    for (const ticketId of tickets) {
      const sheetId = await created('field-service', '/v1/sheets', { ticketId, kind: 'remote', contents: SHEET_CONTENTS });
      await ok('field-service', 'POST', `/v1/sheets/${sheetId}/submission`, 'lead');
      await ok('field-service', 'POST', `/v1/sheets/${sheetId}/approval`, 'lead');
    }
    for (let i = 0; i < 3; i++) {
      const articleId = await created('knowledge-base', '/v1/articles', { kind: 'sop', title: `翻页 pagewalk ${i}`, body: '1. 翻页 pagewalk', tags: [] }, 'senior');
      await ok('knowledge-base', 'POST', `/v1/articles/${articleId}/submission`, 'senior');
      await ok('knowledge-base', 'POST', `/v1/articles/${articleId}/publication`, 'lead');
      await ok('knowledge-base', 'PUT', `/v1/scenarios/pages-scenario-${randomUUID().slice(0, 8)}`, 'lead', { faultCategory: 'printer', name: '翻页', fixed: false });
      await created('knowledge-base', '/v1/analyses', { ticketId: randomUUID(), scenarioId: `pages-analysis-${randomUUID().slice(0, 8)}`, faultCategory: 'streaming' });
      await created('lead-pool', '/v1/leads', {
        platform: 'douyin',
        account: '@pages',
        customerHandle: '翻页客户',
        contact: { phone: `+86 139 ${String(Date.now() + i).slice(-8)}` },
      });
    }
    // a hoarding flag takes a member holding a lead when its contact opens a ticket: written here as the projection would
    const flags = `"${system.leads!.schema}".hoarding_flags`;
    for (let i = 0; i < 3; i++)
      await system.leads!.runtime.dataSource.query(`INSERT INTO ${flags} (lead_id, ticket_id, member_id, lead_status) VALUES ($1, $2, 'pages-holder', 'allocated')`, [
        randomUUID(),
        randomUUID(),
      ]);

    await waitFor('the cases filed', async () => (await send('knowledge-base', 'GET', '/v1/cases?limit=200', 'lead')).body.items.length >= 3, { timeoutMs: 60_000 });
    await waitFor('the queue to hold the tickets', async () => (await send('routing', 'GET', '/v1/queue?limit=200', 'lead')).body.items.length >= 3, { timeoutMs: 60_000 });
    await waitFor(
      'the dashboard to project them',
      async () => {
        const [queue, board, team] = await Promise.all(
          ['/v1/queue', '/v1/sla-board', '/v1/team'].map(async (path) => (await send('dashboard', 'GET', `${path}?limit=200`, 'lead')).body),
        );
        return queue.items.length >= 3 && board.items.length >= 2 && team.items.length >= 3;
      },
      { timeoutMs: 60_000 },
    );
  }

  async function send(service: string, method: string, path: string, role: Role, body?: Json): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${urls.get(service)}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens.get(role)}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async function ok(service: string, method: string, path: string, role: Role, body: Json = {}): Promise<Json> {
    const answer = await send(service, method, path, role, body);
    expect([path, answer.status < 300 ? 'ok' : `${answer.status} ${JSON.stringify(answer.body)}`]).toEqual([path, 'ok']);
    return answer.body;
  }

  async function created(service: string, path: string, body: Json, role: Role = 'lead'): Promise<string> {
    const answer = await send(service, 'POST', path, role, body);
    expect([path, answer.status, answer.status === 201 ? '' : JSON.stringify(answer.body)]).toEqual([path, 201, '']);
    return answer.body.id;
  }

  async function openTicket(): Promise<string> {
    const phone = `+86 138 ${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const body = { channel: 'phone', customer: { name: '翻页先生', phone }, deviceModel: 'HP LaserJet 1020', problem: '打印机驱动丢失', urgency: 'urgent' };
    return created('intake', '/v1/tickets', body, 'intake');
  }
});

function describeRoute(service: string, controller: Type<unknown>, route: RouteAccess): ContractRoute {
  const handler = (controller.prototype as Record<string, object>)[route.handler.slice(route.handler.indexOf('.') + 1)];
  return { ...route, service, key: `${route.method} ${route.path}`, paged: Reflect.getMetadata(PAGED_LIST_KEY, handler) === true };
}

function duplicates(ids: string[]): string[] {
  return ids.filter((id, index) => ids.indexOf(id) !== index);
}
