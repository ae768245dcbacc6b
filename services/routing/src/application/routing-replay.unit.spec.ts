import { Actor, RosterEvent } from '@support/contracts';
import { DecisionAt, evolveMember, initialMemberState, Member } from '../domain';
import { checkMemberChange, RecordedManualAssignment, RecordedRosterChange, registrationOf, replayRouting, RosterProposal, RoutingRecord } from './routing-replay';

// the replay of routing's rounds on tables in memory: given a recorded morning, when a roster proposal,
// then the decisions the live engine's rounds make

const LEAD: Actor = { id: 'lead-zhang', role: 'lead' };
const day = '2026-03-02';
const at = (hhmm: string) => `${day}T${hhmm}:00.000Z`;
const period = { from: new Date(at('08:00')), to: new Date(at('18:00')) };

let position = 0;
function registered(memberId: string, role: 'agent' | 'senior' | 'lead' | 'contractor', capacity: number, onDuty: boolean, time = at('07:00')): RecordedRosterChange {
  const tier = role === 'senior' ? 'L2' : role === 'lead' ? 'L3' : 'L1';
  const events: RosterEvent[] = [
    {
      type: 'support.member.registered.v1',
      data: { memberId, role, name: memberId, tier, skills: [], scenarios: role === 'contractor' ? ['os-reinstall'] : [], capacity },
    } as RosterEvent,
    ...(onDuty ? [{ type: 'support.member.went-on-duty.v1', data: { memberId } } as RosterEvent] : []),
  ];
  return { kind: 'roster', memberId, events, version: events.length, time, actor: LEAD, position: position++ };
}

const ticket = (id: string, type: string, time: string, data: Record<string, unknown> = {}, causationId: string | null = null) => ({
  kind: 'ticket' as const,
  id: `e-${id}-${type}-${time}`,
  type,
  time,
  causationId,
  data: { ticketId: id, ...data },
});
const received = (id: string, time: string, extra: Record<string, unknown> = {}) =>
  ticket(id, 'support.ticket.received.v1', time, { urgency: 'normal', receivedAt: time, ...extra });
const resolved = (id: string, time: string) => ticket(id, 'support.ticket.resolved.v1', time);

/** a morning: agent-a on duty (capacity 1), agent-b off duty; three tickets; the first resolved at 09:30 */
function morning(extra: Partial<RoutingRecord> = {}): RoutingRecord {
  return {
    store: [registered('agent-a', 'agent', 1, true), registered('agent-b', 'agent', 1, false)],
    consumed: [received('t1', at('09:00')), received('t2', at('09:10')), received('t3', at('09:20')), resolved('t1', at('09:30'))],
    routingDecisionIds: new Set(),
    ...extra,
  };
}

const handed = (decisions: DecisionAt[]) =>
  decisions.filter((d) => d.type !== 'support.routing.ticket-queued.v1').map((d) => [d.ticketId, d.data.assignee?.id, d.at.slice(11, 16), d.data.mode ?? d.type.split('.')[2]]);

describe('replayRouting', () => {
  it('replays the record as it was when nothing is proposed: one agent takes the tickets one at a time', async () => {
    const replay = await replayRouting(morning(), { members: [] }, period);
    expect(handed(replay.decisions)).toEqual([
      ['t1', 'agent-a', '09:00', 'automatic'],
      // t1 resolved: the slot goes to the oldest waiting ticket
      ['t2', 'agent-a', '09:30', 'automatic'],
    ]);
    expect(replay.decisions.filter((d) => d.type === 'support.routing.ticket-queued.v1').map((d) => d.ticketId)).toEqual(['t2', 't3']);
    expect(replay.replayed).toEqual({ eventsBefore: 2, eventsInPeriod: 4 });
  });

  it('puts a member on duty from `from`: the proposal is a roster change then, and both agents take tickets', async () => {
    const replay = await replayRouting(morning(), { members: [{ memberId: 'agent-b', onDuty: true }] }, period);
    expect(handed(replay.decisions)).toEqual([
      // fewest open tickets, then never assigned before, then member id
      ['t1', 'agent-a', '09:00', 'automatic'],
      ['t2', 'agent-b', '09:10', 'automatic'],
      ['t3', 'agent-a', '09:30', 'automatic'],
    ]);
  });

  it('raises a capacity from `from` only: before it the recorded capacity holds', async () => {
    const record = morning({ consumed: [received('t0', at('07:30')), received('t1', at('09:00')), resolved('t0', at('09:05')), received('t2', at('09:10'))] });
    const replay = await replayRouting(record, { members: [{ memberId: 'agent-a', capacity: 2 }] }, period);
    expect(handed(replay.decisions)).toEqual([
      ['t0', 'agent-a', '07:30', 'automatic'],
      // from 08:00 the capacity is 2: t1 is agent-a's second open ticket at 09:00; t0 left at 09:05, so t2 finds room at 09:10
      ['t1', 'agent-a', '09:00', 'automatic'],
      ['t2', 'agent-a', '09:10', 'automatic'],
    ]);
    const recordOnly = await replayRouting(record, { members: [] }, period);
    expect(handed(recordOnly.decisions)).toEqual([
      ['t0', 'agent-a', '07:30', 'automatic'],
      ['t1', 'agent-a', '09:05', 'automatic'],
    ]);
  });

  it("replays a lead's manual assignment when still legal, and skips it (with the reason) when the proposal forbids it", async () => {
    // a lead hands t3 (waiting) to a senior, who takes only hard problems automatically
    const manual: RecordedManualAssignment = { kind: 'manual', ticketId: 't3', memberId: 'senior-s', time: at('09:25'), actor: LEAD, position: 99 };
    const record = morning({ store: [registered('agent-a', 'agent', 1, true), registered('agent-b', 'agent', 1, false), registered('senior-s', 'senior', 1, true), manual] });
    const legal = await replayRouting(record, { members: [] }, period);
    expect(handed(legal.decisions)).toEqual([
      ['t1', 'agent-a', '09:00', 'automatic'],
      ['t3', 'senior-s', '09:25', 'manual'],
      ['t2', 'agent-a', '09:30', 'automatic'],
    ]);
    expect(legal.skipped).toEqual([]);

    const offDuty = await replayRouting(record, { members: [{ memberId: 'senior-s', onDuty: false }] }, period);
    expect(handed(offDuty.decisions)).toEqual([
      ['t1', 'agent-a', '09:00', 'automatic'],
      ['t2', 'agent-a', '09:30', 'automatic'],
    ]);
    expect(offDuty.skipped).toEqual([{ ticketId: 't3', memberId: 'senior-s', at: at('09:25'), reason: 'senior senior-s is off duty' }]);
  });

  it("leaves out intake's confirmations of routing's recorded decisions, and applies those of decisions made elsewhere", async () => {
    const assigned = (id: string, memberId: string, time: string, causationId: string) =>
      ticket(id, 'support.ticket.assigned.v1', time, { assignee: { id: memberId, role: 'agent', name: memberId }, tier: 'L1' }, causationId);
    // t1 is confirmed to agent-b twice: once for a recorded routing decision (replaced), once from elsewhere (applied)
    const base = morning();
    const byRouting = await replayRouting(
      { ...base, consumed: [...base.consumed.slice(0, 1), assigned('t1', 'agent-b', at('09:01'), 'd-1'), ...base.consumed.slice(1)], routingDecisionIds: new Set(['d-1']) },
      { members: [] },
      period,
    );
    expect(handed(byRouting.decisions)).toEqual([
      ['t1', 'agent-a', '09:00', 'automatic'],
      ['t2', 'agent-a', '09:30', 'automatic'],
    ]);
    const elsewhere = await replayRouting(
      { ...base, consumed: [...base.consumed.slice(0, 1), assigned('t1', 'agent-b', at('09:01'), 'x-1'), ...base.consumed.slice(1)] },
      { members: [] },
      period,
    );
    // agent-a's slot is free again from 09:01: t2 takes it when it arrives
    expect(handed(elsewhere.decisions)).toEqual([
      ['t1', 'agent-a', '09:00', 'automatic'],
      ['t2', 'agent-a', '09:10', 'automatic'],
    ]);
  });

  it('escalates from the tier the ticket is at in the replay, not the recorded one', async () => {
    const record: RoutingRecord = {
      store: [registered('agent-a', 'agent', 5, true), registered('senior-a', 'senior', 5, true), registered('lead-a', 'lead', 5, true)],
      consumed: [
        received('t1', at('09:00'), { triage: { difficulty: 'hard' } }),
        // recorded from L1 (someone else had it); in the replay a senior holds it: L2 -> L3
        ticket('t1', 'support.ticket.escalation-requested.v1', at('09:30'), { fromTier: 'L1', reason: 'needs the next tier' }),
      ],
      routingDecisionIds: new Set(),
    };
    const replay = await replayRouting(record, { members: [] }, period);
    expect(
      replay.decisions
        .filter((d) => d.type === 'support.routing.escalation-decided.v1')
        .map((d) => [d.data.assignee?.id, (d.data as { fromTier?: string }).fromTier, d.data.toTier]),
    ).toEqual([['lead-a', 'L2', 'L3']]);
  });

  it('adds an agent at `from`: on duty with the capacity given, they take the tickets that waited for agent-a', async () => {
    const replay = await replayRouting(morning(), { members: [{ memberId: 'agent-c', role: 'agent', tier: 'L1', capacity: 2 }] }, period);
    expect(handed(replay.decisions)).toEqual([
      // both empty and never assigned: member id
      ['t1', 'agent-a', '09:00', 'automatic'],
      // agent-a is full (capacity 1): the new agent takes t2 and, with room for two, t3 as they arrive
      ['t2', 'agent-c', '09:10', 'automatic'],
      ['t3', 'agent-c', '09:20', 'automatic'],
    ]);
    expect(replay.decisions.filter((d) => d.type === 'support.routing.ticket-queued.v1')).toEqual([]);
    // the registration at `from` is the proposal, not a recorded input
    expect(replay.replayed).toEqual({ eventsBefore: 2, eventsInPeriod: 4 });

    // added off duty, they are on the roster (the queue's reasons count them: 2 off duty) and take nothing
    const offDuty = await replayRouting(morning(), { members: [{ memberId: 'agent-c', role: 'agent', tier: 'L1', capacity: 2, onDuty: false }] }, period);
    const asRecorded = await replayRouting(morning(), { members: [] }, period);
    expect(handed(offDuty.decisions)).toEqual(handed(asRecorded.decisions));
    expect(offDuty.decisions.find((d) => d.type === 'support.routing.ticket-queued.v1')?.data).toMatchObject({
      ticketId: 't2',
      reason: 'common problem: no L1 agent on duty with free capacity (of 3: 2 off duty, 1 at capacity)',
    });
  });

  it('adds a senior at `from`: the escalation that waited for an L2 goes to them when it is asked', async () => {
    const record: RoutingRecord = {
      store: [registered('agent-a', 'agent', 5, true), registered('lead-a', 'lead', 5, false)],
      consumed: [received('t1', at('09:00')), ticket('t1', 'support.ticket.escalation-requested.v1', at('09:30'), { fromTier: 'L1', reason: 'needs the next tier' })],
      routingDecisionIds: new Set(),
    };
    const escalations = (decisions: DecisionAt[]) =>
      decisions.filter((d) => d.type !== 'support.routing.assignment-decided.v1').map((d) => [d.type.split('.')[2], d.data.assignee?.id, d.at.slice(11, 16)]);
    // recorded: no senior, so the escalation waits (queued) for an L2 all day
    const recorded = await replayRouting(record, { members: [] }, period);
    expect(escalations(recorded.decisions)).toEqual([['ticket-queued', undefined, '09:30']]);
    const replay = await replayRouting(record, { members: [{ memberId: 'senior-n', role: 'senior', tier: 'L2', capacity: 3, name: '新来的' }] }, period);
    expect(escalations(replay.decisions)).toEqual([['escalation-decided', 'senior-n', '09:30']]);
    expect(replay.decisions.find((d) => d.type === 'support.routing.escalation-decided.v1')?.data).toMatchObject({
      assignee: { id: 'senior-n', role: 'senior', name: '新来的' },
      toTier: 'L2',
    });
  });

  it("takes a tier only as the role sits at it (the registration's rule), and a role only for a member it adds", () => {
    const agent = [registered('agent-a', 'agent', 1, true)].flatMap((c) => c.events).reduce(evolveMember, initialMemberState()) as Member;
    // the tier the role sits at is accepted (and changes nothing the replay sees), any other refused as registration refuses it
    expect(checkMemberChange(agent, { memberId: 'agent-a', tier: 'L1', capacity: 3 })).toEqual({ ok: true, change: { memberId: 'agent-a', tier: 'L1', capacity: 3 } });
    expect(checkMemberChange(agent, { memberId: 'agent-a', tier: 'L2' })).toEqual({
      ok: false,
      reason: 'member agent-a (agent): tier must be L1 for role agent, not L2 (role and tier go together: agent L1, senior L2, lead L3, contractor L1)',
    });
    expect(checkMemberChange(agent, { memberId: 'agent-a', role: 'senior', tier: 'L2' })).toEqual({
      ok: false,
      field: 'role',
      reason: 'cannot change: member agent-a is on the roster as agent (a role is fixed at registration)',
    });
    expect(checkMemberChange(agent, { memberId: 'agent-a', name: 'A' })).toMatchObject({ ok: false, field: 'name' });
    // the role they have changes nothing, and leaves the change without one (a role in a checked change marks a member added)
    expect(checkMemberChange(agent, { memberId: 'agent-a', role: 'agent', capacity: 2 })).toEqual({ ok: true, change: { memberId: 'agent-a', capacity: 2 } });
  });

  it('registers an added member as POST /v1/members does: role, tier and capacity needed, a contractor with a whitelist', () => {
    const from = period.from;
    expect(registrationOf({ memberId: 'x', tier: 'L1', capacity: 1 }, from)).toEqual({
      ok: false,
      field: 'role',
      reason: 'must be given for a member the proposal adds (x is not on the roster by `to`)',
    });
    expect(registrationOf({ memberId: 'x', role: 'agent', capacity: 1 }, from)).toMatchObject({ ok: false, field: 'tier' });
    expect(registrationOf({ memberId: 'x', role: 'agent', tier: 'L1' }, from)).toMatchObject({ ok: false, field: 'capacity' });
    expect(registrationOf({ memberId: 'x', role: 'senior', tier: 'L1', capacity: 1 }, from)).toEqual({
      ok: false,
      reason: 'member x (senior, added): tier must be L2 for role senior, not L1 (role and tier go together: agent L1, senior L2, lead L3, contractor L1)',
    });
    expect(registrationOf({ memberId: 'x', role: 'contractor', tier: 'L1', capacity: 1 }, from)).toEqual({
      ok: false,
      reason: 'member x (contractor, added): scenarios: a contractor needs at least one fixed scenario on their whitelist (they take only those)',
    });
    expect(registrationOf({ memberId: 'c', role: 'contractor', tier: 'L1', capacity: 2, scenarios: [' os-reinstall '] }, from)).toEqual({
      ok: true,
      events: [
        { type: 'support.member.registered.v1', data: { memberId: 'c', role: 'contractor', name: 'c', tier: 'L1', skills: [], scenarios: ['os-reinstall'], capacity: 2 } },
        { type: 'support.member.went-on-duty.v1', data: { memberId: 'c' } },
      ],
      change: { memberId: 'c', role: 'contractor', name: 'c', tier: 'L1', capacity: 2, onDuty: true, skills: [], scenarios: ['os-reinstall'] },
    });
  });

  it('ignores what was recorded from `to` on, and gives the same decisions every time', async () => {
    const record = morning({ consumed: [...morning().consumed, received('t9', at('18:00'))] });
    const proposal: RosterProposal = { members: [{ memberId: 'agent-b', onDuty: true }] };
    const [a, b] = [await replayRouting(record, proposal, period), await replayRouting(record, proposal, period)];
    expect(a.decisions.map((d) => d.ticketId)).not.toContain('t9');
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
