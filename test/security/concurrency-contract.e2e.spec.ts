import { randomUUID } from 'node:crypto';
import { Type } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger';
import { Role } from '@support/contracts';
import { IF_MATCH_KEY, IF_MATCH_REQUIRED, IfMatchRule, signTestToken, VERSIONED_READ_KEY, VersionOf } from '@support/service-kit';
import { ManualClock } from '@support/test-kit';
import { RunningSystem, startSystem, TEST_SECRET, waitFor } from '../system/support/system-harness';
import { controllersOf, RouteAccess, routesOfController } from './route-metadata';
import { serviceModule, SERVICES } from './services';

// API.md "concurrency": every versioned resource answers a strong ETag "<version>" that If-Match takes
// back, a stale If-Match changes nothing, and a route documented as needing If-Match answers 428
// without it. The routes come from the same metadata the services act on (@VersionedRead,
// @RequiresIfMatch, @AcceptsIfMatch) and OpenAPI shows, so a new one cannot be left out of this walk.

/** a route with what it says about versions */
interface ContractRoute extends RouteAccess {
  service: string;
  key: string;
  /** @RequiresIfMatch / @AcceptsIfMatch */
  ifMatch?: IfMatchRule;
  /** @VersionedRead: where its answer keeps the version */
  versionOf?: VersionOf;
  /** the If-Match header as the OpenAPI document declares it */
  declared?: { required: boolean };
}

const ROUTES: ContractRoute[] = SERVICES.flatMap((definition) =>
  controllersOf(serviceModule(definition)).flatMap((controller) => routesOfController(controller).map((route) => describeRoute(definition.serviceName, controller, route))),
);
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Answer {
  status: number;
  etag: string | null;
  body: Json;
}

/** a command of a resource: who sends it (default: a lead if the route lets one, else its first role) and a body it accepts */
interface Command {
  as?: Role;
  body?: object | ((current: Json) => Json);
}

/** one versioned resource: how to make one, how to read it, and every command that takes its If-Match */
interface ResourceSpec {
  name: string;
  /** the read (`GET /path`); a @VersionedRead, unless `versionOf` says where a composite answer keeps it */
  read: string;
  versionOf?: (body: Json) => unknown;
  /** makes one, answering the path parameters of its routes */
  create(): Promise<Record<string, string>>;
  /** the command applied with the ETag just read */
  apply: string;
  /** every route that takes the resource's If-Match, each with a body its validation accepts */
  commands: Record<string, Command>;
}

const later = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
const WINDOW = { start: later(48), end: later(50) };
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const SHEET_CONTENTS = {
  customer: { name: '张先生', contact: '+86 139 0000 0000' },
  device: 'Sony FX3',
  problem: '开机无画面',
  diagnosis: '固件损坏',
  workDone: '远程指导重刷固件',
  partsUsed: [],
  timeSpentMinutes: 25,
  result: 'fixed',
};

describe('the concurrency contract (ETag, If-Match, 428) of every versioned resource', () => {
  let system: RunningSystem;
  const urls = new Map<string, string>();
  const tokens = new Map<Role, string>();

  const RESOURCES: ResourceSpec[] = [
    {
      name: 'ticket',
      read: 'GET /v1/tickets/:id',
      create: async () => ({ id: (await openTicket()).id }),
      apply: 'POST /v1/tickets/:id/assignment',
      commands: {
        'POST /v1/tickets/:id/assignment': { body: { assignee: { id: 'agent-of-the-contract', role: 'agent' }, tier: 'L1' } },
        'POST /v1/tickets/:id/contact': { body: { channel: 'phone' } },
        'POST /v1/tickets/:id/diagnosis': { body: { faultCategory: 'printer', scenario: 'printer-driver-lost', difficulty: 'common' } },
        'POST /v1/tickets/:id/quote': { body: { amount: 15_000 } },
        'POST /v1/tickets/:id/quote/accept': {},
        'POST /v1/tickets/:id/quote/decline': {},
        'POST /v1/tickets/:id/escalation': { body: { reason: '需要二线' } },
        'POST /v1/tickets/:id/resolution': { body: { resolution: '重装驱动', remote: true } },
        'POST /v1/tickets/:id/feedback': { body: { satisfaction: 5 } },
        'POST /v1/tickets/:id/close': {},
        'POST /v1/tickets/:id/reopen': { body: { reason: '又坏了' } },
        'POST /v1/tickets/:id/cancel': { body: { reason: '客户撤回' } },
      },
    },
    {
      name: 'customer',
      read: 'GET /v1/customers/:id/tickets',
      // the answer lists the customer's tickets too, which change on their own: the version is in the body, no ETag
      versionOf: (body) => body.customer.version,
      create: async () => ({ id: (await openTicket()).customerId }),
      apply: 'POST /v1/customers/:id/erasure',
      commands: { 'POST /v1/customers/:id/erasure': { body: { reason: '客户要求删除' } } },
    },
    {
      name: 'member',
      read: 'GET /v1/members/:id',
      // off duty, so routing hands it no ticket while the walk runs
      create: async () => ({ id: await registerMember() }),
      apply: 'PUT /v1/members/:id/profile',
      commands: {
        'PUT /v1/members/:id/profile': { body: { name: '契约之王', tier: 'L1', skills: ['printer'], scenarios: [], capacity: 4 } },
        'POST /v1/members/:id/on-duty': {},
        'POST /v1/members/:id/off-duty': {},
      },
    },
    {
      name: 'SLA policy',
      read: 'GET /v1/policies',
      create: async () => ({}),
      apply: 'PUT /v1/policies',
      commands: { 'PUT /v1/policies': { body: (current) => ({ rules: current.rules, calendar: current.calendar }) } },
    },
    {
      name: 'visit',
      read: 'GET /v1/visits/:id',
      create: async () => ({ id: await created('field-service', '/v1/visits', { ticketId: await fieldTicket(), reason: '远程指导无法解决' }) }),
      apply: 'POST /v1/visits/:id/schedule',
      commands: {
        'POST /v1/visits/:id/schedule': { body: { technician: { id: 'tech-of-the-contract', role: 'agent' }, window: WINDOW, address: '上海市浦东新区世纪大道 100 号' } },
        'POST /v1/visits/:id/reschedule': { body: { window: WINDOW, reason: '客户改期' } },
        'POST /v1/visits/:id/preparation': {
          body: { checklist: { tools: ['螺丝刀'], spareParts: [], addressConfirmed: true, deviceStateConfirmed: true, deviceState: '无法开机' } },
        },
        'POST /v1/visits/:id/check-in': {},
        'POST /v1/visits/:id/work-log': { body: { entry: '更换电源模块' } },
        'POST /v1/visits/:id/completion': { body: { workDone: '更换电源模块', customerTested: true, usageNotes: '请勿受潮' } },
        'POST /v1/visits/:id/signature': { body: { signerName: '王女士', mediaType: 'image/png', imageBase64: PNG } },
        'POST /v1/visits/:id/cancel': { body: { reason: '客户取消' } },
      },
    },
    {
      name: 'service sheet',
      read: 'GET /v1/sheets/:id',
      create: async () => ({ id: await created('field-service', '/v1/sheets', { ticketId: await fieldTicket(), kind: 'remote', contents: SHEET_CONTENTS }) }),
      apply: 'PUT /v1/sheets/:id/contents',
      commands: {
        'PUT /v1/sheets/:id/contents': { body: { contents: { ...SHEET_CONTENTS, timeSpentMinutes: 40 } } },
        'POST /v1/sheets/:id/submission': {},
        'POST /v1/sheets/:id/approval': {},
        'POST /v1/sheets/:id/rejection': { body: { reason: '缺少签名' } },
        'POST /v1/sheets/:id/archive': {},
      },
    },
    {
      name: 'article',
      read: 'GET /v1/articles/:id',
      create: async () => ({ id: await created('knowledge-base', '/v1/articles', { kind: 'sop', title: '打印机驱动重装', body: '1. 卸载旧驱动', tags: [] }) }),
      apply: 'PUT /v1/articles/:id',
      commands: {
        'PUT /v1/articles/:id': { body: { title: '打印机驱动重装', body: '1. 卸载旧驱动\n2. 安装官方驱动' } },
        'POST /v1/articles/:id/submission': {},
        'POST /v1/articles/:id/change-request': { body: { reason: '缺少截图' } },
        'POST /v1/articles/:id/publication': {},
        'POST /v1/articles/:id/retirement': { body: { reason: '过时' } },
      },
    },
    {
      name: 'scenario',
      read: 'GET /v1/scenarios/:id',
      create: async () => {
        const id = `contract-scenario-${randomUUID().slice(0, 8)}`;
        const defined = await send('knowledge-base', 'PUT', `/v1/scenarios/${id}`, 'lead', { faultCategory: 'printer', name: '驱动丢失', fixed: false });
        expect([id, defined.status]).toEqual([id, 201]);
        return { id };
      },
      apply: 'PUT /v1/scenarios/:id',
      commands: { 'PUT /v1/scenarios/:id': { body: { faultCategory: 'printer', name: '打印机驱动丢失', fixed: false } } },
    },
    {
      name: 'case analysis',
      read: 'GET /v1/analyses/:id',
      create: async () => {
        const id = await created('knowledge-base', '/v1/analyses', {
          ticketId: randomUUID(),
          scenarioId: `contract-analysis-${randomUUID().slice(0, 8)}`,
          faultCategory: 'streaming',
        });
        // sla-monitor sets its due time: wait for it, so the answer stays the same while the walk runs
        await waitFor(`analysis ${id} to have its due time`, async () => (await send('knowledge-base', 'GET', `/v1/analyses/${id}`, 'lead')).body.dueAt !== undefined);
        return { id };
      },
      apply: 'POST /v1/analyses/:id/closure',
      commands: { 'POST /v1/analyses/:id/closure': { body: { conclusion: '固件不兼容，降级可解决' } } },
    },
    {
      name: 'lead',
      read: 'GET /v1/leads/:id',
      create: async () => ({
        id: await created('lead-pool', '/v1/leads', { platform: 'douyin', account: '@contract', customerHandle: '契约客户', contact: { phone: uniquePhone() } }),
      }),
      apply: 'POST /v1/leads/:id/loss',
      commands: {
        'POST /v1/leads/:id/acceptance': {},
        'POST /v1/leads/:id/decline': {},
        'POST /v1/leads/:id/conversion': { body: { deviceModel: 'OBS 推流主机', problem: '推流卡顿', urgency: 'normal' } },
        'POST /v1/leads/:id/loss': { body: { reason: '客户已购买其他服务' } },
        'POST /v1/leads/:id/erasure': { body: { reason: '客户要求删除' } },
      },
    },
    {
      name: 'lead ratios',
      read: 'GET /v1/ratios',
      create: async () => {
        // ratios name members of the roster, which lead-pool learns from routing's events
        const memberId = await registerMember();
        await waitFor(
          `lead-pool to know member ${memberId}`,
          async () => (await send('lead-pool', 'PUT', '/v1/ratios', 'lead', { ratios: [{ memberId, weight: 1 }], acceptMinutes: 30 })).status === 200,
        );
        return {};
      },
      apply: 'PUT /v1/ratios',
      commands: { 'PUT /v1/ratios': { body: (current) => ({ ratios: current.ratios.map((r: Json) => ({ memberId: r.memberId, weight: r.weight + 1 })), acceptMinutes: 45 }) } },
    },
    {
      name: 'webhook subscription',
      read: 'GET /v1/webhook-subscriptions/:id',
      // with one delivery queued, for the replay: the ticket topic feeds it
      create: async () => {
        const id = await created('intake', '/v1/webhook-subscriptions', { url: 'https://partner.example.com/contract', eventTypes: ['support.ticket.received.v1'] });
        await openTicket();
        const delivery = await waitFor(
          `a delivery of webhook subscription ${id}`,
          async () => (await send('intake', 'GET', `/v1/webhook-subscriptions/${id}/deliveries`, 'lead')).body.items[0],
        );
        return { id, deliveryId: delivery.id };
      },
      apply: 'PUT /v1/webhook-subscriptions/:id',
      commands: {
        'PUT /v1/webhook-subscriptions/:id': { body: { url: 'https://partner.example.com/contract/v2', eventTypes: ['support.ticket.closed.v1'] } },
        'POST /v1/webhook-subscriptions/:id/secret': {},
        'POST /v1/webhook-subscriptions/:id/disable': { body: { reason: '对方系统迁移' } },
        'POST /v1/webhook-subscriptions/:id/enable': {},
        'DELETE /v1/webhook-subscriptions/:id': {},
        'POST /v1/webhook-subscriptions/:id/deliveries/:deliveryId/replay': {},
      },
    },
  ];

  beforeAll(async () => {
    system = await startSystem({ slaClock: new ManualClock(), fieldService: true, knowledgeBase: true, leadPool: true });
    const running = {
      intake: system.intake,
      routing: system.routing,
      'sla-monitor': system.sla,
      'field-service': system.field,
      'knowledge-base': system.knowledge,
      'lead-pool': system.leads,
    };
    for (const [service, served] of Object.entries(running)) urls.set(service, served!.url);
    for (const role of ['lead', 'senior', 'agent', 'intake', 'service'] as const) tokens.set(role, await signTestToken(TEST_SECRET, { id: `${role}-of-the-contract`, role }));
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  }, 60_000);

  describe('the routes say it, and the walk covers them', () => {
    it('has versioned reads, and commands that take If-Match, one of them required', () => {
      expect(ROUTES.filter((route) => route.versionOf).length).toBeGreaterThan(0);
      expect(ROUTES.filter((route) => route.ifMatch?.required).map((route) => route.key)).toContain('PUT /v1/policies');
    });

    it('declares If-Match in OpenAPI exactly where the service acts on it, required exactly where it answers 428', () => {
      const declared = ROUTES.filter((route) => route.declared).map((route) => [route.key, route.declared!.required]);
      const actedOn = ROUTES.filter((route) => route.ifMatch).map((route) => [route.key, route.ifMatch!.required]);
      expect(declared).toEqual(actedOn);
    });

    it('lets no command on a versioned resource ignore If-Match', () => {
      const reads = ROUTES.filter((route) => route.versionOf).map((route) => [route.service, genericPath(route.path)] as const);
      const commandsOfReads = ROUTES.filter(
        (route) =>
          WRITES.includes(route.method) &&
          reads.some(([service, path]) => route.service === service && (genericPath(route.path) === path || genericPath(route.path).startsWith(`${path}/`))),
      );
      expect(commandsOfReads.filter((route) => !route.ifMatch).map((route) => route.key)).toEqual([]);
    });

    it('walks every versioned read and every route that takes If-Match, and nothing else', () => {
      const walked = RESOURCES.flatMap((spec) => [spec.read, ...Object.keys(spec.commands)]).sort();
      const marked = ROUTES.filter((route) => route.versionOf || route.ifMatch).map((route) => route.key);
      const composite = RESOURCES.filter((spec) => spec.versionOf).map((spec) => spec.read);
      expect(walked).toEqual([...marked, ...composite].sort());
      for (const spec of RESOURCES) expect([spec.name, Object.keys(spec.commands)]).toEqual([spec.name, expect.arrayContaining([spec.apply])]);
    });
  });

  it.each(RESOURCES.map((spec) => [spec.name, spec] as const))('%s', async (_name, spec) => {
    const read = route(spec.read);
    const params = await spec.create();
    const versionOf = spec.versionOf ?? read.versionOf!;
    const get = async () => {
      const answer = await send(read.service, 'GET', fill(read.path, params), callerOf(read));
      expect([spec.read, answer.status]).toEqual([spec.read, 200]);
      return answer;
    };

    // the read: a strong ETag, the body's version in quotes (a composite answer: the version in the body, no ETag)
    const first = await get();
    const version = versionOf(first.body);
    expect([spec.read, Number.isInteger(version)]).toEqual([spec.read, true]);
    expect([spec.read, first.etag]).toEqual([spec.read, read.versionOf ? `"${version}"` : null]);
    const etag = `"${version}"`;

    // the command with that ETag applies, and answers the new version as body and ETag
    const applied = await command(spec, spec.apply, params, first.body, { 'If-Match': etag });
    expect([spec.apply, applied.status >= 200 && applied.status < 300 ? 'applied' : `${applied.status} ${messageOf(applied)}`]).toEqual([spec.apply, 'applied']);
    expect([spec.apply, applied.body.version > (version as number), applied.etag]).toEqual([spec.apply, true, `"${applied.body.version}"`]);
    const current = await get();
    expect([spec.read, versionOf(current.body), current.etag]).toEqual([spec.read, applied.body.version, read.versionOf ? `"${applied.body.version}"` : null]);

    // now stale: every command refuses it and changes nothing; a required If-Match missing is a 428 that changes nothing
    const answers: Array<[string, string, number, boolean]> = [];
    const expected: Array<[string, string, number, boolean]> = [];
    for (const key of Object.keys(spec.commands)) {
      const rule = route(key).ifMatch!;
      const stale = await command(spec, key, params, current.body, { 'If-Match': etag });
      answers.push([key, `stale If-Match ${etag}`, stale.status, sameAs(current, await get())]);
      expected.push([key, `stale If-Match ${etag}`, rule.staleStatus, true]);
      if (rule.required) {
        const missing = await command(spec, key, params, current.body, {});
        answers.push([key, 'no If-Match', missing.status, sameAs(current, await get())]);
        expected.push([key, 'no If-Match', 428, true]);
        expect([key, messageOf(missing)]).toEqual([key, IF_MATCH_REQUIRED]);
      }
    }
    // Express's weak body hash, which these services answered before: a client error naming the header
    const weak = await command(spec, spec.apply, params, current.body, { 'If-Match': 'W/"ceb-3f0d2a"' });
    answers.push([spec.apply, 'weak body-hash If-Match', weak.status, sameAs(current, await get())]);
    expected.push([spec.apply, 'weak body-hash If-Match', 400, true]);
    expect([spec.apply, messageOf(weak)]).toEqual([spec.apply, expect.stringContaining('If-Match')]);
    expect(answers).toEqual(expected);
  });

  function route(key: string): ContractRoute {
    const found = ROUTES.find((candidate) => candidate.key === key);
    if (!found) throw new Error(`no route ${key}`);
    return found;
  }

  function callerOf(route: ContractRoute, as?: Role): Role {
    if (as) return as;
    return route.roles === null || route.roles.includes('lead') ? 'lead' : route.roles[0];
  }

  async function command(spec: ResourceSpec, key: string, params: Record<string, string>, current: Json, headers: Record<string, string>): Promise<Answer> {
    const target = route(key);
    const { as, body } = spec.commands[key];
    return send(target.service, target.method, fill(target.path, params), callerOf(target, as), typeof body === 'function' ? body(current) : (body ?? {}), headers);
  }

  async function send(service: string, method: string, path: string, role: Role, body?: Json, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(`${urls.get(service)}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens.get(role)}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, etag: response.headers.get('etag'), body: text ? JSON.parse(text) : undefined };
  }

  async function created(service: string, path: string, body: Json): Promise<string> {
    const answer = await send(service, 'POST', path, 'lead', body);
    expect([path, answer.status, messageOf(answer)]).toEqual([path, 201, '']);
    return answer.body.id;
  }

  async function openTicket(): Promise<{ id: string; customerId: string }> {
    const body = { channel: 'phone', customer: { name: '契约先生', phone: uniquePhone() }, deviceModel: 'HP LaserJet 1020', problem: '打印机驱动丢失', urgency: 'normal' };
    const opened = await send('intake', 'POST', '/v1/tickets', 'intake', body);
    expect(['POST /v1/tickets', opened.status]).toEqual(['POST /v1/tickets', 201]);
    const ticket = await send('intake', 'GET', `/v1/tickets/${opened.body.id}`, 'lead');
    return { id: ticket.body.id, customerId: ticket.body.customerId };
  }

  /** a ticket of its own for each visit or sheet (their steps reach the ticket's history), once field-service knows it */
  async function fieldTicket(): Promise<string> {
    const { id } = await openTicket();
    await waitFor(`field-service to know ticket ${id}`, async () => (await system.field!.runtime.tickets.find(system.field!.runtime.dataSource, id)) !== undefined);
    return id;
  }

  async function registerMember(): Promise<string> {
    const memberId = `contract-${randomUUID().slice(0, 8)}`;
    await created('routing', '/v1/members', { memberId, role: 'agent', name: '契约', tier: 'L1', capacity: 3, skills: [], scenarios: [] });
    return memberId;
  }
});

function describeRoute(service: string, controller: Type<unknown>, route: RouteAccess): ContractRoute {
  const handler = (controller.prototype as Record<string, object>)[route.handler.slice(route.handler.indexOf('.') + 1)];
  // the handler's own metadata wins over the controller's, as the interceptor reads it
  const own = <T>(key: string): T | undefined => Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
  const headers: Array<{ name: string; in?: string; required?: boolean }> = [
    ...(Reflect.getMetadata(DECORATORS.API_PARAMETERS, handler) ?? []),
    ...(Reflect.getMetadata(DECORATORS.API_HEADERS, controller) ?? []),
  ];
  const ifMatchHeader = headers.find((header) => (header.in === undefined || header.in === 'header') && header.name.toLowerCase() === 'if-match');
  return {
    ...route,
    service,
    key: `${route.method} ${route.path}`,
    ifMatch: own<IfMatchRule>(IF_MATCH_KEY),
    versionOf: own<VersionOf>(VERSIONED_READ_KEY),
    declared: ifMatchHeader && { required: ifMatchHeader.required === true },
  };
}

/** `/v1/clocks/:clockId/history` -> `/v1/clocks/:/history`: paths compared whatever their parameters are called */
function genericPath(path: string): string {
  return path.replace(/:[A-Za-z]+/g, ':');
}

function fill(path: string, params: Record<string, string>): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    if (params[name] === undefined) throw new Error(`no ${name} for ${path}`);
    return params[name];
  });
}

function messageOf(answer: Answer): string {
  const message = answer.body?.message;
  return Array.isArray(message) ? message.join('; ') : String(message ?? '');
}

function sameAs(before: Answer, after: Answer): boolean {
  return before.etag === after.etag && JSON.stringify(before.body) === JSON.stringify(after.body);
}

function uniquePhone(): string {
  return `+86 139 ${String(Math.floor(Math.random() * 100_000_000)).padStart(8, '0')}`;
}
