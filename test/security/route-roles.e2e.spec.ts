import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Role, ROLES } from '@support/contracts';
import { signTestToken } from '@support/service-kit';
import { ManualClock } from '@support/test-kit';
import { jsonRequest, RunningSystem, startSystem, TEST_SECRET, waitFor } from '../system/support/system-harness';
import { clientSource, generatedClientPath } from '../api-client/api-client-generation';
import { documentGaps, OpenApiDocument } from './openapi-completeness';
import { allows, RouteAccess } from './route-metadata';
import { serviceRoutes, SERVICES } from './services';

// every route of every service, read off the same metadata as docs/security.md, so none is forgotten
const MATRIX = SERVICES.map((definition) => ({ service: definition.serviceName, routes: serviceRoutes(definition) }));
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];
// the guard answers at once; a handler that takes longer than this is reported, not waited for
const ANSWER_WITHIN_MS = 10_000;

/** who knocks: a token of each role, none, or one signed with a key the services do not know */
type Caller = { kind: 'role'; role: Role; id: string; token: string } | { kind: 'no token' } | { kind: 'forged'; id: string; token: string };
type Answer = { status: number; message: string };

describe('every route answers every role as its @Roles say', () => {
  let system: RunningSystem;
  let callers: Caller[];
  const urls = new Map<string, string>();
  const apps = new Map<string, NestFastifyApplication>();

  beforeAll(async () => {
    system = await startSystem({ slaClock: new ManualClock(), fieldService: true, knowledgeBase: true, leadPool: true, dashboard: true });
    const running = {
      dashboard: system.dashboard,
      intake: system.intake,
      routing: system.routing,
      'sla-monitor': system.sla,
      'field-service': system.field,
      'knowledge-base': system.knowledge,
      'lead-pool': system.leads,
    };
    for (const [service, served] of Object.entries(running)) {
      if (!served) throw new Error(`${service} did not start`);
      urls.set(service, served.url);
      apps.set(service, served.app as NestFastifyApplication);
    }
    callers = await makeCallers();
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  }, 60_000);

  async function servedDocument(service: string): Promise<OpenApiDocument> {
    return (await (await fetch(`${urls.get(service)}/docs/openapi.json`)).json()) as OpenApiDocument;
  }

  describe.each(MATRIX)('$service', ({ service, routes }) => {
    it('serves exactly the routes the matrix lists, and has some', () => {
      expect(routes.length).toBeGreaterThan(0);
      const listed = routes.map((route) => `${route.method} ${route.path}`).sort();
      expect(servedRoutes(apps.get(service)!)).toEqual(listed);
    });

    // API.md "retries": every state-changing POST honours it, the kit's interceptor or the route itself
    it('lists Idempotency-Key on every POST in its OpenAPI document', async () => {
      type Paths = Record<string, { post?: { parameters?: Array<{ in: string; name: string }> } }>;
      const document = (await (await fetch(`${urls.get(service)}/docs/openapi.json`)).json()) as { paths: Paths };
      const posts = Object.entries(document.paths).filter(([, path]) => path.post);
      expect(posts.length).toBeGreaterThan(0);
      const without = posts.filter(([, path]) => !path.post!.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key')).map(([name]) => name);
      expect(without).toEqual([]);
    });

    // issue 23: a client generated from the document needs every operation whole (openapi-completeness.ts)
    it('documents every operation: id, summary, its success with a schema and an example, every error status as a Problem, query parameters optional', async () => {
      expect(documentGaps(await servedDocument(service))).toEqual([]);
    });

    // the committed client is generated from the documents the services serve: regenerate it (npm run api:client) when this fails
    it('serves the document the committed client (libs/api-client) was generated from', async () => {
      const committed = readFileSync(join(__dirname, '..', '..', generatedClientPath(service)), 'utf8');
      expect(clientSource(await servedDocument(service))).toEqual(committed);
    });

    it.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', async (_name, route) => {
      // one caller after another: with `{}` some commands are real (a projection rebuild), and two at once would race
      const answers: Array<readonly [string, string]> = [];
      for (const caller of callers) answers.push([callerName(caller), verdict(await send(urls.get(service)!, route, caller))]);
      const expected = callers.map((caller) => [callerName(caller), expectedVerdict(route, caller)] as const);
      expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(expected));
    });
  });

  describe('contractor scope', () => {
    it('answers 404 to a contractor for a ticket, visit and sheet dispatched to another contractor, like an id that does not exist', async () => {
      const intake = urls.get('intake')!;
      const field = urls.get('field-service')!;
      const dispatchedTo = roleCaller('contractor');
      const outsiderId = randomUUID();
      const outsider = await signTestToken(TEST_SECRET, { id: outsiderId, role: 'contractor' });
      const { ticketId, visitId, sheetId } = await fieldWorkDispatchedTo(dispatchedTo.id);
      const records = [
        [intake, `/v1/tickets/${ticketId}`],
        [intake, `/v1/tickets/${ticketId}/history`],
        [field, `/v1/visits/${visitId}`],
        [field, `/v1/visits/${visitId}/history`],
        [field, `/v1/sheets/${sheetId}`],
        [field, `/v1/sheets/${sheetId}/history`],
      ] as const;

      for (const [url, path] of records) {
        await waitFor(`the contractor it was dispatched to to see ${path}`, async () => (await get(url, path, dispatchedTo.token)).status === 200);
        const hidden = await get(url, path, outsider);
        const missing = await get(url, path.replace(/[0-9a-f-]{36}/, randomUUID()), outsider);
        // same status and the same words: nothing tells the other contractor the id exists
        expect([path, hidden.status, sameWords(hidden.message)]).toEqual([path, 404, sameWords(missing.message)]);
      }
    });
  });

  /** a ticket routing dispatches to the contractor (whitelisted for its fixed scenario), with a visit and a sheet */
  async function fieldWorkDispatchedTo(contractorId: string): Promise<{ ticketId: string; visitId: string; sheetId: string }> {
    const lead = roleCaller('lead').token;
    const agent = roleCaller('agent').token;
    const scenario = `fixed-scenario-${contractorId.slice(0, 8)}`;
    const member = { memberId: contractorId, role: 'contractor', name: '周师傅', tier: 'L1', capacity: 3, skills: [], scenarios: [scenario], onDuty: true };
    await created(urls.get('routing')!, '/v1/members', lead, member);
    const ticketId = await created(urls.get('intake')!, '/v1/tickets', roleCaller('intake').token, {
      channel: 'phone',
      customer: { name: '张先生', phone: `+86 139 ${Date.now() % 100_000_000}` },
      deviceModel: 'HP LaserJet 1020',
      problem: '打印机驱动丢失，无法打印',
      urgency: 'normal',
      triage: { faultCategory: 'printer', scenario, difficulty: 'fixed-scenario' },
    });
    const field = system.field!.runtime;
    await waitFor('field-service to know the ticket as dispatched', async () => (await field.tickets.find(field.dataSource, ticketId))?.assigneeId === contractorId);
    const visitId = await created(urls.get('field-service')!, '/v1/visits', agent, { ticketId, reason: '远程指导无法解决，需上门' });
    const sheetId = await created(urls.get('field-service')!, '/v1/sheets', agent, { ticketId, kind: 'remote', contents: SHEET_CONTENTS });
    return { ticketId, visitId, sheetId };
  }

  /** the routes fastify really serves, but Swagger's and the HEAD routes fastify adds to every GET, as `METHOD /path`, sorted */
  function servedRoutes(app: NestFastifyApplication): string[] {
    // fastify lists its router as a tree, a path segment per line, indented by depth: `    └── /:id (GET, HEAD)`
    const lines = app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false }).split('\n');
    const prefixes: string[] = [];
    return lines
      .flatMap((line) => {
        const node = /^([│\s]*)[└├]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
        if (!node) return [];
        const depth = node[1].length / 4;
        prefixes.length = depth;
        const path = `${prefixes.join('')}${node[2]}`;
        prefixes.push(node[2]);
        return (node[3]?.split(', ') ?? []).filter((method) => method !== 'HEAD').map((method) => `${method} ${path}`);
      })
      .filter((route) => !route.split(' ')[1].startsWith('/docs'))
      .sort();
  }

  function roleCaller(role: Role): Extract<Caller, { kind: 'role' }> {
    return callers.find((caller): caller is Extract<Caller, { kind: 'role' }> => caller.kind === 'role' && caller.role === role)!;
  }

  async function created(url: string, path: string, token: string, body: unknown): Promise<string> {
    const response = await jsonRequest(`${url}${path}`, token, 'POST', body);
    expect([path, response.status]).toEqual([path, 201]);
    return (await response.json()).id;
  }
});

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

/** one caller per role, each with an id of its own, plus the two that must get 401 */
async function makeCallers(): Promise<Caller[]> {
  const members = await Promise.all(
    ROLES.map(async (role) => {
      const id = randomUUID();
      return { kind: 'role' as const, role, id, token: await signTestToken(TEST_SECRET, { id, role, name: `${role} of the matrix` }) };
    }),
  );
  const forgedId = randomUUID();
  const forged = { kind: 'forged' as const, id: forgedId, token: await signTestToken('a-key-the-services-have-never-seen-0123456789', { id: forgedId, role: 'lead' }) };
  return [...members, { kind: 'no token' }, forged];
}

function callerName(caller: Caller): string {
  return caller.kind === 'role' ? caller.role : caller.kind;
}

/**
 * One request: every path parameter is the caller's own id, a fresh uuid nothing is stored under
 * (so commands find nothing), yet "my own" routes such as a technician's day accept it. A write
 * sends `{}`: validation may refuse it, but only after the guard has let the caller through.
 */
async function send(baseUrl: string, route: RouteAccess, caller: Caller): Promise<Answer> {
  const ownId = caller.kind === 'no token' ? randomUUID() : caller.id;
  const path = route.path.replace(/:[A-Za-z]+/g, ownId);
  const write = WRITES.includes(route.method);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)), ANSWER_WITHIN_MS);
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method: route.method,
      headers: { ...('token' in caller && { authorization: `Bearer ${caller.token}` }), ...(write && { 'content-type': 'application/json' }) },
      body: write ? '{}' : undefined,
      signal: abort.signal,
    });
    // a server-sent-events stream never ends: its status line is the answer
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
      abort.abort();
      return { status: response.status, message: '' };
    }
    return { status: response.status, message: messageOf(await response.text()) };
  } catch (error) {
    // a hung handler shows up in the table, named, instead of failing the whole route
    if (abort.signal.aborted) return { status: 0, message: String(abort.signal.reason?.message ?? abort.signal.reason) };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function get(baseUrl: string, path: string, token: string): Promise<Answer> {
  const response = await jsonRequest(`${baseUrl}${path}`, token, 'GET');
  return { status: response.status, message: messageOf(await response.text()) };
}

function messageOf(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    return Array.isArray(message) ? message.join('; ') : String(message ?? '');
  } catch {
    return '';
  }
}

/**
 * What the test compares: "through" for an answer past the guard (2xx, or 4xx for the bogus body and
 * ids); 401, 403 and 5xx with the reason, and no answer at all, to be named in a mismatch.
 */
function verdict({ status, message }: Answer): string {
  if (status === 0) return message;
  const refusedOrBroken = status === 401 || status === 403 || status >= 500;
  return refusedOrBroken ? `${status} ${message}` : 'through';
}

function expectedVerdict(route: RouteAccess, caller: Caller): unknown {
  if (route.isPublic) return 'through';
  if (caller.kind !== 'role') return expect.stringMatching(/^401 /);
  return allows(route, caller.role) ? 'through' : `403 role ${caller.role} may not do this`;
}

function sameWords(message: string): string {
  return message.replace(/[0-9a-f-]{36}/g, '<id>');
}
