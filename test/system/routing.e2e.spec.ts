import { randomUUID } from 'node:crypto';
import type { IntakeSchemas } from '@support/api-client';
import { allItems, answer, clientsOf } from './support/api-clients';
import { RunningSystem, startSystem, waitFor } from './support/system-harness';

// Intake and routing side by side over real HTTP, Kafka and PostgreSQL: tickets are opened at intake,
// routing decides from intake's events, intake records the decisions. Each test registers members of
// its own; afterwards everyone goes off duty and the test's tickets are cancelled, so the next test
// starts with an empty queue and nobody eligible.

type Role = 'lead' | 'senior' | 'agent' | 'contractor';
interface MemberSpec {
  memberId: string;
  role: Role;
  name: string;
  capacity: number;
  skills?: string[];
  scenarios?: string[];
  onDuty?: boolean;
}
interface TicketView {
  id: string;
  state: string;
  urgency: 'urgent' | 'normal';
  assignee?: { id: string; role: string; name?: string };
  tier?: string;
  receivedAt: string;
}
interface HistoryEntry {
  seq: number;
  type: string;
  actor: { id: string; role: string };
  data: Record<string, unknown>;
  causationId: string | null;
}
interface QueueEntry {
  ticketId: string;
  urgency: 'urgent' | 'normal';
  receivedAt: string;
  waitingFor?: string;
  position: number;
}
interface RosterEntry {
  memberId: string;
  role: Role;
  onDuty: boolean;
  capacity: number;
  openTickets: number;
}

const TIER: Record<Role, 'L1' | 'L2' | 'L3'> = { agent: 'L1', senior: 'L2', lead: 'L3', contractor: 'L1' };
const TERMINAL = ['resolved', 'closed', 'cancelled'];
const ASSIGNED = 'support.ticket.assigned.v1';
const DISPATCHED = 'support.ticket.dispatched-to-contractor.v1';
const LEAD = { id: 'm-lead-zhang', role: 'lead' as const, name: '张老板' };

describe('routing with intake over HTTP, Kafka and PostgreSQL', () => {
  let system: RunningSystem;
  let lead: string;
  let desk: string;
  // tickets opened by the running test, cancelled after it
  let opened: string[] = [];
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    const started = Date.now();
    system = await startSystem();
    lead = await system.token(LEAD);
    desk = await system.token({ role: 'intake', id: 'cs-desk', name: '客服部' });
    timings.startMs = Date.now() - started;
  }, 60_000);

  afterEach(async () => {
    await retireEveryoneAndCancel(opened);
    opened = [];
  }, 60_000);

  afterAll(async () => {
    const started = Date.now();
    await system?.stop();
    timings.stopMs = Date.now() - started;
    // one line for the report: how long the moving parts took
    console.info(`routing e2e timings: ${JSON.stringify(timings)}`);
  }, 60_000);

  // ---- HTTP helpers -------------------------------------------------------------------------------

  const intake = (token: string) => clientsOf(system, token).intake;
  const routing = (token: string) => clientsOf(system, token).routing;
  const path = (id: string) => ({ params: { path: { id } } });
  const tokenOf = (member: Pick<MemberSpec, 'memberId' | 'role' | 'name'>) => system.token({ id: member.memberId, role: member.role, name: member.name });

  async function register(spec: MemberSpec): Promise<MemberSpec> {
    await answer(routing(lead).POST('/v1/members', { body: { tier: TIER[spec.role], skills: [], scenarios: [], onDuty: true, ...spec } }), 201);
    return spec;
  }

  async function open(overrides: Partial<IntakeSchemas['schemas']['OpenTicketDto']> = {}): Promise<string> {
    const { data, error, response } = await intake(desk).POST('/v1/tickets', {
      body: {
        channel: 'wechat',
        customer: { name: '王女士', phone: `+86 138 ${Math.floor(1000_0000 + Math.random() * 8999_9999)}` },
        deviceModel: 'Dell XPS 15 9520',
        problem: '开机蓝屏，无法进入系统',
        urgency: 'normal',
        ...overrides,
      },
    });
    if (response.status !== 201 || !data) throw new Error(`POST /v1/tickets answered ${response.status}: ${JSON.stringify(error)}`);
    opened.push(data.id);
    return data.id;
  }

  const ticket = (id: string): Promise<TicketView> => answer(intake(lead).GET('/v1/tickets/{id}', path(id)));
  const historyOf = (id: string): Promise<HistoryEntry[]> => answer(intake(lead).GET('/v1/tickets/{id}/history', path(id)));
  const queue = (): Promise<QueueEntry[]> => allItems((query) => answer(routing(lead).GET('/v1/queue', { params: { query } })));
  const members = (): Promise<RosterEntry[]> => allItems((query) => answer(routing(lead).GET('/v1/members', { params: { query } })));

  /** every ticket intake holds (this test system's own schema), newest first */
  const allTickets = (): Promise<TicketView[]> => allItems((query) => answer(intake(lead).GET('/v1/tickets', { params: { query } })));

  /** routing's own record of what it decided for a ticket, oldest first */
  async function decisionsFor(ticketId: string): Promise<Array<{ id: string; type: string; data: Record<string, unknown>; position: string }>> {
    return system.routing.runtime.dataSource.query(
      `SELECT event_id AS id, type, data, global_position AS position FROM "${system.routing.schema}".events
        WHERE stream_type = 'ticket-routing' AND stream_id = $1 ORDER BY version`,
      [ticketId],
    );
  }

  async function inBatches<T>(items: readonly T[], size: number, run: (item: T) => Promise<unknown>): Promise<void> {
    for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
  }

  async function expectOk(call: Promise<{ error?: unknown; response: Response }>, what: string) {
    const { error, response } = await call;
    if (response.status !== 200) throw new Error(`${what}: ${response.status} ${JSON.stringify(error)}`);
  }

  /** nobody on duty, the given tickets cancelled, routing's queue empty */
  async function retireEveryoneAndCancel(ticketIds: string[]): Promise<void> {
    for (const member of (await members()).filter((m) => m.onDuty)) await routing(lead).POST('/v1/members/{id}/off-duty', path(member.memberId));
    const mine = new Set(ticketIds);
    await waitFor(
      'every ticket of the test cancelled (or done) and an empty queue',
      async () => {
        const open = (await allTickets()).filter((t) => mine.has(t.id) && !TERMINAL.includes(t.state));
        // a cancel can meet a concurrent decision (409 version conflict): the next round sends it again
        await inBatches(open, 25, (t) => intake(desk).POST('/v1/tickets/{id}/cancel', { ...path(t.id), body: { reason: 'end of the test' } }));
        return open.length === 0 && (await queue()).length === 0;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  // ---- the tests ----------------------------------------------------------------------------------

  it('dispatches a fixed-scenario ticket to the on-duty whitelisted contractor; with the contractor off duty, to an agent', async () => {
    const contractor = await register({ memberId: 'c-zhou', role: 'contractor', name: '周师傅', scenarios: ['printer-driver-reinstall', 'os-reinstall'], capacity: 3 });
    const agent = await register({ memberId: 'm-agent-wang', role: 'agent', name: '小王', skills: ['printer'], capacity: 5 });
    const triage = { faultCategory: 'printer', scenario: 'printer-driver-reinstall', difficulty: 'fixed-scenario' } as const;

    const posted = Date.now();
    const first = await open({ triage, problem: '打印机驱动丢失，无法打印' });
    const dispatched = await waitFor(
      'the ticket dispatched to the contractor',
      async () => {
        const view = await ticket(first);
        return view.assignee?.id === contractor.memberId ? view : undefined;
      },
      { timeoutMs: 5_000, describe: () => ticket(first) },
    );
    timings.dispatchMs = Date.now() - posted;
    expect(dispatched).toMatchObject({ state: 'assigned', assignee: { id: 'c-zhou', role: 'contractor', name: '周师傅' } });

    // the history names routing as the actor and its decision as the cause
    const [decision] = await decisionsFor(first);
    expect(decision).toMatchObject({
      type: 'support.routing.assignment-decided.v1',
      data: { assignee: { id: 'c-zhou', role: 'contractor' }, scenario: 'printer-driver-reinstall', mode: 'automatic' },
    });
    const history = await waitFor('the dispatch in the history', async () => {
      const entries = await historyOf(first);
      return entries.length >= 2 ? entries : undefined;
    });
    expect(history.map((h) => h.type)).toEqual(['support.ticket.received.v1', DISPATCHED]);
    expect(history[1]).toMatchObject({
      actor: { id: 'routing', role: 'service' },
      causationId: decision.id,
      data: { assignee: { id: 'c-zhou', role: 'contractor' }, scenario: 'printer-driver-reinstall' },
    });
    // the contractor sees the ticket dispatched to them
    expect((await intake(await tokenOf(contractor)).GET('/v1/tickets/{id}', path(first))).response.status).toBe(200);

    // the contractor goes off duty: the same kind of ticket goes to the agent, and the reason says why
    await expectOk(routing(lead).POST('/v1/members/{id}/off-duty', path(contractor.memberId)), 'off duty');
    const second = await open({ triage, problem: '打印机驱动丢失，无法打印' });
    const assigned = await waitFor(
      'the second ticket assigned to the agent',
      async () => {
        const view = await ticket(second);
        return view.assignee ? view : undefined;
      },
      { timeoutMs: 5_000, describe: () => ticket(second) },
    );
    expect(assigned).toMatchObject({ state: 'assigned', tier: 'L1', assignee: { id: agent.memberId, role: 'agent' } });
    const [fallback] = await decisionsFor(second);
    const secondHistory = await historyOf(second);
    expect(secondHistory.map((h) => h.type)).toEqual(['support.ticket.received.v1', ASSIGNED]);
    expect(secondHistory[1]).toMatchObject({ actor: { id: 'routing', role: 'service' }, causationId: fallback.id, data: { tier: 'L1', assignee: { id: agent.memberId } } });
    expect(secondHistory[1].data.reason).toMatch(/fixed scenario printer-driver-reinstall: no whitelisted contractor on duty with free capacity .*1 off duty/);
  });

  it('hands 200 tickets arriving at once to 3 agents of capacity 5: 15 assigned, 185 queued urgent first, drained in queue order as tickets end', async () => {
    const agents = await Promise.all(['m-agent-a', 'm-agent-b', 'm-agent-c'].map((memberId, i) => register({ memberId, role: 'agent', name: `Agent ${'ABC'[i]}`, capacity: 5 })));
    const tokens = new Map(await Promise.all(agents.map(async (a) => [a.memberId, await tokenOf(a)] as const)));
    const agentIds = new Set(agents.map((a) => a.memberId));

    const posted = Date.now();
    // every 4th urgent: 50 urgent, 150 normal, all at once
    const ids = await Promise.all(Array.from({ length: 200 }, (_, i) => open({ urgency: i % 4 === 0 ? 'urgent' : 'normal', problem: `burst ticket ${i}` })));
    timings.burstPostMs = Date.now() - posted;
    const mine = new Set(ids);

    /** intake's view of the burst: who works what; every check also asserts nobody is over capacity */
    async function snapshot() {
      const [tickets, roster, waiting] = await Promise.all([allTickets(), members(), queue()]);
      const burst = tickets.filter((t) => mine.has(t.id));
      const working = burst.filter((t) => t.assignee && !TERMINAL.includes(t.state));
      const perAgent = new Map<string, number>();
      for (const t of working) perAgent.set(t.assignee!.id, (perAgent.get(t.assignee!.id) ?? 0) + 1);
      for (const [memberId, count] of perAgent) expect([memberId, count <= 5]).toEqual([memberId, true]);
      for (const member of roster.filter((m) => agentIds.has(m.memberId))) expect([member.memberId, member.openTickets <= member.capacity]).toEqual([member.memberId, true]);
      expect(working.every((t) => agentIds.has(t.assignee!.id))).toBe(true);
      return { burst, working, roster, waiting };
    }

    const settled = await waitFor(
      '15 tickets assigned and 185 queued',
      async () => {
        const state = await snapshot();
        return state.working.length === 15 && state.waiting.length === 185 ? state : undefined;
      },
      {
        timeoutMs: 30_000,
        intervalMs: 250,
        describe: async () => {
          const s = await snapshot();
          return { working: s.working.length, waiting: s.waiting.length };
        },
      },
    );
    timings.burstSettledMs = Date.now() - posted;
    expect(settled.roster.filter((m) => agentIds.has(m.memberId)).map((m) => m.openTickets)).toEqual([5, 5, 5]);
    // the queue holds exactly the other 185, every urgent one before every normal one, oldest first within each
    const waitingIds = settled.waiting.map((q) => q.ticketId);
    expect(new Set([...waitingIds, ...settled.working.map((t) => t.id)])).toEqual(mine);
    const firstNormal = settled.waiting.findIndex((q) => q.urgency === 'normal');
    expect(settled.waiting.slice(firstNormal).every((q) => q.urgency === 'normal')).toBe(true);
    expect(settled.waiting.filter((q) => q.urgency === 'urgent')).toHaveLength(50 - settled.working.filter((t) => t.urgency === 'urgent').length);
    for (let i = 1; i < settled.waiting.length; i++) {
      const [a, b] = [settled.waiting[i - 1], settled.waiting[i]];
      if (a.urgency === b.urgency) expect(Date.parse(a.receivedAt)).toBeLessThanOrEqual(Date.parse(b.receivedAt));
    }
    expect(settled.waiting.map((q) => q.position)).toEqual(settled.waiting.map((_, i) => i + 1));
    // intake recorded 15 assignments, and nothing for the waiting ones
    const sample = await historyOf(waitingIds[0]);
    expect(sample.map((h) => h.type)).toEqual(['support.ticket.received.v1']);

    // free every slot, four times over: the freed slots go to the head of the queue, in queue order
    let state = settled;
    const lastPosition = async () =>
      String((await system.routing.runtime.dataSource.query(`SELECT coalesce(max(global_position), 0) AS p FROM "${system.routing.schema}".events`))[0].p);
    const drainStarted = Date.now();
    for (let round = 0; round < 4; round++) {
      const head = state.waiting.slice(0, 15).map((q) => q.ticketId);
      const rest = state.waiting.slice(15).map((q) => q.ticketId);
      const since = await lastPosition();
      await Promise.all(
        state.working.map(async (t, i) => {
          const token = tokens.get(t.assignee!.id)!;
          if ((i + round) % 2 === 0) {
            // worked to the end: contact, resolution, close
            await expectOk(intake(token).POST('/v1/tickets/{id}/contact', { ...path(t.id), body: { channel: 'phone' } }), 'contact');
            await expectOk(intake(token).POST('/v1/tickets/{id}/resolution', { ...path(t.id), body: { resolution: '重装驱动后恢复', remote: true } }), 'resolution');
            await expectOk(intake(token).POST('/v1/tickets/{id}/close', { ...path(t.id), body: {} }), 'close');
          } else {
            await expectOk(intake(desk).POST('/v1/tickets/{id}/cancel', { ...path(t.id), body: { reason: 'customer withdrew' } }), 'cancel');
          }
        }),
      );
      state = await waitFor(
        `round ${round + 1}: the 15 at the head of the queue assigned`,
        async () => {
          const s = await snapshot();
          return s.working.length === 15 && s.waiting.length === rest.length ? s : undefined;
        },
        {
          timeoutMs: 20_000,
          intervalMs: 200,
          describe: async () => {
            const s = await snapshot();
            return { working: s.working.length, waiting: s.waiting.length };
          },
        },
      );
      expect(new Set(state.working.map((t) => t.id))).toEqual(new Set(head));
      expect(state.waiting.map((q) => q.ticketId)).toEqual(rest);
      // routing decided them one freed slot at a time, in exactly the queue's order
      const decided: Array<{ ticket: string }> = await system.routing.runtime.dataSource.query(
        `SELECT stream_id AS ticket FROM "${system.routing.schema}".events
          WHERE type = 'support.routing.assignment-decided.v1' AND global_position > $1 ORDER BY global_position`,
        [since],
      );
      expect(decided.map((d) => d.ticket)).toEqual(head);
    }
    timings.drain60Ms = Date.now() - drainStarted;
    // 60 slots freed: every urgent ticket (at most 50 waited) has been served, only normal ones still wait
    expect(state.waiting.every((q) => q.urgency === 'normal')).toBe(true);
  }, 90_000);

  it('escalates L1 -> L2 -> L3 with actor and reason in the history; a third escalation gets 409; the freed L1 slot goes to the queue', async () => {
    const agent = await register({ memberId: 'm-agent-chen', role: 'agent', name: '小陈', capacity: 1 });
    const senior = await register({ memberId: 'm-senior-li', role: 'senior', name: '李工', capacity: 5 });
    const chief = await register({ memberId: LEAD.id, role: 'lead', name: LEAD.name, capacity: 5 });
    const [agentToken, seniorToken] = await Promise.all([tokenOf(agent), tokenOf(senior)]);

    const id = await open({ urgency: 'urgent', problem: '采集卡无信号，直播画面黑屏' });
    await waitFor('the ticket assigned to the agent', async () => (await ticket(id)).assignee?.id === agent.memberId);
    // the agent is full: the next ticket waits
    const waiting = await open({ problem: '声卡无输出' });
    await waitFor('the second ticket queued', async () => (await queue()).some((q) => q.ticketId === waiting));

    const firstReason = '采集卡固件问题，超出 L1 范围';
    await expectOk(intake(agentToken).POST('/v1/tickets/{id}/escalation', { ...path(id), body: { reason: firstReason } }), 'first escalation');
    const atL2 = await waitFor(
      'the ticket at L2',
      async () => {
        const view = await ticket(id);
        return view.tier === 'L2' ? view : undefined;
      },
      { describe: () => ticket(id) },
    );
    expect(atL2.assignee).toMatchObject({ id: senior.memberId, role: 'senior' });
    // the escalation took the ticket off the agent: the waiting ticket gets the agent's slot
    await waitFor('the queued ticket assigned to the agent once the escalation freed the slot', async () => (await ticket(waiting)).assignee?.id === agent.memberId, {
      timeoutMs: 5_000,
      describe: async () => ({ queue: await queue(), ticket: await ticket(waiting) }),
    });

    const secondReason = '主板供电异常，需要返厂判断';
    await expectOk(intake(seniorToken).POST('/v1/tickets/{id}/escalation', { ...path(id), body: { reason: secondReason } }), 'second escalation');
    const atL3 = await waitFor(
      'the ticket at L3',
      async () => {
        const view = await ticket(id);
        return view.tier === 'L3' ? view : undefined;
      },
      { describe: () => ticket(id) },
    );
    expect(atL3.assignee).toMatchObject({ id: chief.memberId, role: 'lead' });

    const third = await intake(await tokenOf(chief)).POST('/v1/tickets/{id}/escalation', { ...path(id), body: { reason: 'no one above' } });
    expect(third.response.status).toBe(409);
    expect(third.error).toMatchObject({ message: expect.stringMatching(/L3 is final/) });

    const history = await historyOf(id);
    const decisions = (await decisionsFor(id)).filter((d) => d.type === 'support.routing.escalation-decided.v1');
    expect(history.map((h) => h.type)).toEqual([
      'support.ticket.received.v1',
      ASSIGNED,
      'support.ticket.escalation-requested.v1',
      'support.ticket.escalated.v1',
      'support.ticket.escalation-requested.v1',
      'support.ticket.escalated.v1',
    ]);
    expect(history[2]).toMatchObject({ actor: { id: agent.memberId, role: 'agent' }, data: { reason: firstReason, fromTier: 'L1' } });
    expect(history[3]).toMatchObject({
      actor: { id: 'routing', role: 'service' },
      causationId: decisions[0].id,
      data: { fromTier: 'L1', toTier: 'L2', assignee: { id: senior.memberId, role: 'senior' } },
    });
    expect(history[3].data.reason).toContain(firstReason);
    expect(history[3].data.reason).toMatch(/L1 -> L2: L2 senior/);
    expect(history[4]).toMatchObject({ actor: { id: senior.memberId, role: 'senior' }, data: { reason: secondReason, fromTier: 'L2' } });
    expect(history[5]).toMatchObject({
      actor: { id: 'routing', role: 'service' },
      causationId: decisions[1].id,
      data: { fromTier: 'L2', toTier: 'L3', assignee: { id: chief.memberId, role: 'lead' } },
    });
    expect(history[5].data.reason).toContain(secondReason);
    expect(history[5].data.reason).toMatch(/L2 -> L3: L3 lead/);
  });

  it('lets a lead assign by hand within the rules: 409 with the reason for a contractor off the whitelist, the ticket reassigned with the lead as actor, 403 for others', async () => {
    const contractor = await register({ memberId: 'c-wu', role: 'contractor', name: '吴师傅', scenarios: ['router-reset'], capacity: 3 });
    const agents = await Promise.all([
      register({ memberId: 'm-agent-d', role: 'agent', name: 'Agent D', capacity: 5 }),
      register({ memberId: 'm-agent-e', role: 'agent', name: 'Agent E', capacity: 5 }),
    ]);
    const id = await open({ triage: { faultCategory: 'printer', scenario: 'printer-driver-reinstall', difficulty: 'fixed-scenario' } });
    const first = await waitFor('the automatic assignment', async () => (await ticket(id)).assignee);
    const other = agents.find((a) => a.memberId !== first.id)!;

    const refused = await routing(lead).POST('/v1/assignments', { body: { ticketId: id, memberId: contractor.memberId } });
    expect(refused.response.status).toBe(409);
    expect(refused.error).toMatchObject({ message: expect.stringMatching(/contractor c-wu is not whitelisted for scenario printer-driver-reinstall/) });

    const [agentToken, seniorToken] = await Promise.all([tokenOf(agents[0]), system.token({ role: 'senior', id: 'm-senior-x' })]);
    expect((await routing(agentToken).POST('/v1/assignments', { body: { ticketId: id, memberId: other.memberId } })).response.status).toBe(403);
    expect((await routing(seniorToken).POST('/v1/assignments', { body: { ticketId: id, memberId: other.memberId } })).response.status).toBe(403);

    const accepted = await answer(routing(lead).POST('/v1/assignments', { body: { ticketId: id, memberId: other.memberId, reason: '客户指定' } }), 201);
    expect(accepted).toMatchObject({
      ticketId: id,
      assignee: { id: other.memberId, role: 'agent' },
      tier: 'L1',
      mode: 'manual',
      reason: expect.stringContaining('客户指定'),
    });
    await waitFor('the ticket reassigned', async () => (await ticket(id)).assignee?.id === other.memberId, { describe: () => ticket(id) });

    const manual = (await decisionsFor(id)).filter((d) => d.type === 'support.routing.assignment-decided.v1').pop()!;
    const history = await historyOf(id);
    expect(history.map((h) => h.type)).toEqual(['support.ticket.received.v1', ASSIGNED, ASSIGNED]);
    expect(history[2]).toMatchObject({ actor: { id: LEAD.id, role: 'lead' }, causationId: manual.id, data: { assignee: { id: other.memberId } } });
    expect(history[2].data.reason).toMatch(/客户指定 \(manual assignment to L1 agent/);
    // the rules were checked, and nothing was recorded for the refused attempts
    expect((await decisionsFor(id)).filter((d) => d.type === 'support.routing.assignment-decided.v1')).toHaveLength(2);
    const loads = Object.fromEntries((await members()).map((m) => [m.memberId, m.openTickets]));
    expect([loads[first.id], loads[other.memberId], loads[contractor.memberId]]).toEqual([0, 1, 0]);
  });

  it('loses no ticket and assigns none twice when routing is restarted mid-stream', async () => {
    await register({ memberId: 'm-agent-f', role: 'agent', name: 'Agent F', capacity: 25 });
    await register({ memberId: 'm-agent-g', role: 'agent', name: 'Agent G', capacity: 25 });
    const routedCount = async () => Number((await system.routing.runtime.dataSource.query(`SELECT count(*)::int AS n FROM "${system.routing.schema}".routed_tickets`))[0].n);
    const before = await routedCount();

    // tickets keep arriving, two at a time, while routing is stopped and started again
    const ids: string[] = [];
    let stopAt = -1;
    const post = async (count: number) => {
      for (let i = 0; i < count; i += 2) ids.push(...(await Promise.all([open({ urgency: i % 6 === 0 ? 'urgent' : 'normal' }), open()])));
    };
    const firstPart = post(20);
    await waitFor('routing working on the stream', async () => (await routedCount()) - before >= 6, { timeoutMs: 10_000, intervalMs: 20 });
    const handledAtStop = (await routedCount()) - before;
    stopAt = ids.length;
    const stopping = Date.now();
    await system.stopRouting();
    timings.routingStopMs = Date.now() - stopping;
    await firstPart;
    await post(20); // while routing is down
    const restarting = Date.now();
    const lastPart = post(20); // while routing starts again
    await system.startRouting();
    timings.routingRestartMs = Date.now() - restarting;
    await lastPart;
    expect(ids).toHaveLength(60);

    const mine = new Set(ids);
    const final = await waitFor(
      'all 60 tickets assigned (50) or queued (10)',
      async () => {
        const [tickets, waiting] = await Promise.all([allTickets(), queue()]);
        const assigned = tickets.filter((t) => mine.has(t.id) && t.assignee);
        const queued = waiting.filter((q) => mine.has(q.ticketId));
        return assigned.length === 50 && queued.length === 10 ? { assigned, queued } : undefined;
      },
      {
        timeoutMs: 30_000,
        intervalMs: 250,
        describe: async () => ({ routed: (await routedCount()) - before, queue: (await queue()).length, errors: system.errors.map((e) => String(e.error)).slice(0, 5) }),
      },
    );
    // none lost: every ticket is either someone's or waiting, and none is both
    const assignedIds = new Set(final.assigned.map((t) => t.id));
    expect(final.queued.filter((q) => assignedIds.has(q.ticketId))).toEqual([]);
    expect(new Set([...assignedIds, ...final.queued.map((q) => q.ticketId)])).toEqual(mine);

    // routing decided once per ticket: one assignment or one queue notice, never two
    const decisions: Array<{ ticket: string; type: string; n: number }> = await system.routing.runtime.dataSource.query(
      `SELECT stream_id AS ticket, type, count(*)::int AS n FROM "${system.routing.schema}".events
        WHERE stream_type = 'ticket-routing' AND stream_id = ANY($1) GROUP BY stream_id, type`,
      [ids],
    );
    const perTicket = new Map<string, Record<string, number>>();
    for (const d of decisions) perTicket.set(d.ticket, { ...perTicket.get(d.ticket), [d.type]: d.n });
    for (const ticketId of ids) {
      const expected = assignedIds.has(ticketId) ? { 'support.routing.assignment-decided.v1': 1 } : { 'support.routing.ticket-queued.v1': 1 };
      expect([ticketId, perTicket.get(ticketId)]).toEqual([ticketId, expected]);
    }
    // intake recorded exactly one assignment per assigned ticket and none for the waiting ones
    const histories = await Promise.all(ids.map(async (ticketId) => [ticketId, await historyOf(ticketId)] as const));
    for (const [ticketId, history] of histories) {
      const assignments = history.filter((h) => h.type === ASSIGNED || h.type === DISPATCHED).length;
      expect([ticketId, assignments]).toEqual([ticketId, assignedIds.has(ticketId) ? 1 : 0]);
    }
    const loads = Object.fromEntries((await members()).map((m) => [m.memberId, m.openTickets]));
    expect([loads['m-agent-f'], loads['m-agent-g']]).toEqual([25, 25]);
    timings.restartHandledBeforeStop = handledAtStop;
    timings.restartPostedBeforeStop = stopAt;
  }, 90_000);

  it('keeps foreign ids out: a manual assignment of a ticket routing never saw is 404', async () => {
    const { response } = await routing(lead).POST('/v1/assignments', { body: { ticketId: randomUUID(), memberId: 'm-agent-a' } });
    expect(response.status).toBe(404);
  });
});
