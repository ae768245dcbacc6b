import fc from 'fast-check';
import { MemberRole, Tier, TIERS } from '@support/contracts';
import { TIER_OF_ROLE } from './member.decider';
import { Candidate, chooseAssignee, chooseEscalationTarget, checkManualAssignment, contractorMayTake, drainQueue, QueuedTicket, queueOrder, TicketToRoute } from './routing-policy';

const T0 = Date.parse('2025-03-03T01:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function member(memberId: string, role: MemberRole, fields: Partial<Candidate> = {}): Candidate {
  return {
    memberId,
    role,
    name: memberId,
    tier: TIER_OF_ROLE[role],
    skills: [],
    scenarios: [],
    capacity: 5,
    onDuty: true,
    openTickets: 0,
    assignedCount: 0,
    ...fields,
  };
}

const ticket = (ticketId: string, fields: Partial<QueuedTicket> = {}): QueuedTicket => ({ ticketId, urgency: 'normal', receivedAt: at(0), ...fields });

// the studio of DOMAIN.md: one lead, one senior, two agents, one contractor whitelisted for two fixed scenarios
const lead = member('lead-zhao', 'lead', { skills: ['printer', 'network', 'operating-system'] });
const senior = member('senior-wang', 'senior', { skills: ['printer', 'network', 'operating-system'] });
const li = member('agent-li', 'agent', { skills: ['printer', 'network'], openTickets: 3 });
const liu = member('agent-liu', 'agent', { skills: ['operating-system'], openTickets: 1 });
const chen = member('contractor-chen', 'contractor', { scenarios: ['printer-driver-reinstall', 'router-reset'], capacity: 3, openTickets: 1 });
const STUDIO = [lead, senior, li, liu, chen];

/** the studio with some members changed */
const studio = (changes: Record<string, Partial<Candidate>> = {}) => STUDIO.map((m) => ({ ...m, ...changes[m.memberId] }));

type Expected = { id: string; kind: 'assign' | 'dispatch'; tier: Tier; scenario?: string } | 'none';

describe('chooseAssignee', () => {
  const RULES: Array<[string, TicketToRoute['triage'], Record<string, Partial<Candidate>>, Expected, RegExp]> = [
    // fixed scenarios
    [
      'fixed scenario -> whitelisted contractor',
      { difficulty: 'fixed-scenario', scenario: 'printer-driver-reinstall', faultCategory: 'printer' },
      {},
      { id: 'contractor-chen', kind: 'dispatch', tier: 'L1', scenario: 'printer-driver-reinstall' },
      /^fixed scenario printer-driver-reinstall: whitelisted contractor with fewest open tickets \(1\/3\)$/,
    ],
    [
      'a whitelisted scenario without a difficulty is a fixed scenario',
      { scenario: 'router-reset' },
      {},
      { id: 'contractor-chen', kind: 'dispatch', tier: 'L1', scenario: 'router-reset' },
      /^fixed scenario router-reset/,
    ],
    [
      'a whitelisted scenario marked common is a fixed scenario',
      { scenario: 'router-reset', difficulty: 'common', faultCategory: 'network' },
      {},
      { id: 'contractor-chen', kind: 'dispatch', tier: 'L1', scenario: 'router-reset' },
      /^fixed scenario router-reset/,
    ],
    [
      'fixed scenario nobody is whitelisted for -> common rule',
      { difficulty: 'fixed-scenario', scenario: 'camera-firmware', faultCategory: 'printer' },
      {},
      { id: 'agent-li', kind: 'assign', tier: 'L1' },
      /^fixed scenario camera-firmware: no whitelisted contractor on the roster, so the common rule applies; common fault printer: L1 agent with the skill/,
    ],
    [
      'fixed scenario, contractor off duty -> agent',
      { difficulty: 'fixed-scenario', scenario: 'router-reset' },
      { 'contractor-chen': { onDuty: false } },
      { id: 'agent-liu', kind: 'assign', tier: 'L1' },
      /^fixed scenario router-reset: no whitelisted contractor on duty with free capacity \(of 1: 1 off duty, 0 at capacity\), so the common rule applies; common problem: L1 agent with fewest open tickets \(1\/5\)$/,
    ],
    [
      'fixed scenario, contractor at capacity -> agent',
      { difficulty: 'fixed-scenario', scenario: 'router-reset' },
      { 'contractor-chen': { openTickets: 3 } },
      { id: 'agent-liu', kind: 'assign', tier: 'L1' },
      /\(of 1: 0 off duty, 1 at capacity\), so the common rule applies/,
    ],
    [
      'fixed-scenario difficulty without a scenario -> common rule',
      { difficulty: 'fixed-scenario' },
      {},
      { id: 'agent-liu', kind: 'assign', tier: 'L1' },
      /^fixed-scenario problem without a scenario, so the common rule applies; common problem/,
    ],
    [
      'fixed scenario, no contractor and no agent free -> waits',
      { difficulty: 'fixed-scenario', scenario: 'router-reset' },
      { 'contractor-chen': { onDuty: false }, 'agent-li': { openTickets: 5 }, 'agent-liu': { onDuty: false } },
      'none',
      /^fixed scenario router-reset: no whitelisted contractor .*; common problem: no L1 agent on duty with free capacity \(of 2: 1 off duty, 1 at capacity\)$/,
    ],
    // hard problems
    ['hard -> L2 senior', { difficulty: 'hard', faultCategory: 'network' }, {}, { id: 'senior-wang', kind: 'assign', tier: 'L2' }, /^hard problem: L2 senior/],
    [
      'hard beats a whitelisted scenario: contractors only run SOPs',
      { difficulty: 'hard', scenario: 'router-reset' },
      {},
      { id: 'senior-wang', kind: 'assign', tier: 'L2' },
      /^hard problem/,
    ],
    [
      'hard with the senior off duty waits: no agent, no lead, no contractor',
      { difficulty: 'hard', scenario: 'router-reset' },
      { 'senior-wang': { onDuty: false } },
      'none',
      /^hard problem: no L2 senior on duty with free capacity \(of 1: 1 off duty, 0 at capacity\)$/,
    ],
    ['hard with the senior full waits', { difficulty: 'hard' }, { 'senior-wang': { openTickets: 5 } }, 'none', /1 at capacity/],
    // common problems
    [
      'common -> the agent with the skill, even with more open tickets',
      { difficulty: 'common', faultCategory: 'printer' },
      {},
      { id: 'agent-li', kind: 'assign', tier: 'L1' },
      /^common fault printer: L1 agent with the skill and fewest open tickets \(3\/5\)$/,
    ],
    [
      'common, nobody has the skill -> the agent with fewest open tickets',
      { faultCategory: 'camera' },
      {},
      { id: 'agent-liu', kind: 'assign', tier: 'L1' },
      /^common fault camera: no free L1 agent has the skill, so the L1 agent with fewest open tickets \(1\/5\)$/,
    ],
    [
      'common, the skilled agent is full -> another agent (the skill is a preference)',
      { faultCategory: 'printer' },
      { 'agent-li': { openTickets: 5 } },
      { id: 'agent-liu', kind: 'assign', tier: 'L1' },
      /no free L1 agent has the skill/,
    ],
    [
      'common, the skilled agent is off duty -> another agent',
      { faultCategory: 'printer' },
      { 'agent-li': { onDuty: false } },
      { id: 'agent-liu', kind: 'assign', tier: 'L1' },
      /no free L1 agent has the skill/,
    ],
    ['no triage at all -> common rule', undefined, {}, { id: 'agent-liu', kind: 'assign', tier: 'L1' }, /^common problem: L1 agent/],
    [
      'common, no agent free: never a senior, a lead or a contractor',
      { faultCategory: 'printer' },
      { 'agent-li': { onDuty: false }, 'agent-liu': { openTickets: 5 }, 'contractor-chen': { skills: ['printer'] } },
      'none',
      /^common fault printer: no L1 agent on duty with free capacity \(of 2: 1 off duty, 1 at capacity\)$/,
    ],
  ];

  it.each(RULES)('%s', (_name, triage, changes, expected, reason) => {
    const choice = chooseAssignee(ticket('t-1', { urgency: 'urgent', triage }), studio(changes));
    expect(choice.reason).toMatch(reason);
    if (expected === 'none') {
      expect(choice.ok).toBe(false);
      return;
    }
    if (!choice.ok) throw new Error(choice.reason);
    expect({ id: choice.assignee.id, kind: choice.kind, tier: choice.tier, scenario: choice.scenario }).toEqual({ scenario: undefined, ...expected });
    const chosen = STUDIO.find((m) => m.memberId === expected.id)!;
    expect(choice.assignee).toEqual({ id: chosen.memberId, role: chosen.role, name: chosen.name });
  });

  it('never chooses a lead, even when only a lead is free', () => {
    const onlyLead = [lead];
    for (const difficulty of ['common', 'hard', 'fixed-scenario'] as const) {
      expect(chooseAssignee(ticket('t-1', { triage: { difficulty, scenario: 'router-reset' } }), onlyLead).ok).toBe(false);
    }
  });

  it('says so when the roster is empty', () => {
    expect(chooseAssignee(ticket('t-1'), [])).toEqual({ ok: false, reason: 'common problem: no L1 agent on the roster' });
    expect(chooseAssignee(ticket('t-1', { triage: { difficulty: 'hard' } }), [])).toEqual({ ok: false, reason: 'hard problem: no L2 senior on the roster' });
  });

  const a = (id: string, fields: Partial<Candidate> = {}) => member(id, 'agent', fields);
  const TIE_BREAKS: Array<[string, Candidate[], string]> = [
    ['fewest open tickets first', [a('a-1', { openTickets: 2 }), a('a-2', { openTickets: 1 }), a('a-3', { openTickets: 3 })], 'a-2'],
    ['equal load: least recently assigned', [a('a-1', { openTickets: 1, lastAssignedAt: at(10) }), a('a-2', { openTickets: 1, lastAssignedAt: at(5) })], 'a-2'],
    ['never assigned counts as longest ago', [a('a-1', { lastAssignedAt: at(-1000) }), a('a-2')], 'a-2'],
    ['equal load, never assigned: memberId', [a('a-2'), a('a-10'), a('a-1')], 'a-1'],
    ['equal load and time: memberId', [a('a-b', { lastAssignedAt: at(1) }), a('a-a', { lastAssignedAt: at(1) })], 'a-a'],
    ['times compare as instants, not strings', [a('a-1', { lastAssignedAt: '2025-03-03T09:30:00+08:00' }), a('a-2', { lastAssignedAt: '2025-03-03T02:00:00.000Z' })], 'a-1'],
    ['open tickets beat recency', [a('a-1', { openTickets: 1 }), a('a-2', { openTickets: 0, lastAssignedAt: at(99) })], 'a-2'],
  ];

  it.each(TIE_BREAKS)('tie-break: %s', (_name, agents, expected) => {
    for (const order of [agents, [...agents].reverse()]) {
      const choice = chooseAssignee(ticket('t-1'), order);
      expect(choice.ok && choice.assignee.id).toBe(expected);
    }
  });

  it('never exceeds capacity: a full member, or one over capacity, is never chosen', () => {
    const agents = [a('a-1', { capacity: 2, openTickets: 2 }), a('a-2', { capacity: 2, openTickets: 3 }), a('a-3', { capacity: 1, openTickets: 1 })];
    expect(chooseAssignee(ticket('t-1'), agents).ok).toBe(false);
    const choice = chooseAssignee(ticket('t-1'), [...agents, a('a-4', { capacity: 9, openTickets: 8 })]);
    expect(choice.ok && choice.assignee.id).toBe('a-4');
  });
});

// ------------------------------------------------------------------------------------------------------------
// random rosters and tickets, for the properties

const IDS = ['m-a', 'm-b', 'm-c', 'm-d', 'm-e', 'm-f', 'm-g', 'm-h', 'm-i', 'm-j'];
const CATEGORIES = ['printer', 'network', 'operating-system'];
const SCENARIOS = ['router-reset', 'printer-driver-reinstall', 'camera-firmware'];

const memberArb: fc.Arbitrary<Candidate> = fc
  .record({
    memberId: fc.constantFrom(...IDS),
    role: fc.constantFrom<MemberRole>('lead', 'senior', 'agent', 'agent', 'contractor'),
    skills: fc.subarray(CATEGORIES),
    scenarios: fc.subarray(SCENARIOS.slice(0, 2), { minLength: 1 }),
    capacity: fc.integer({ min: 1, max: 4 }),
    onDuty: fc.boolean(),
    openTickets: fc.integer({ min: 0, max: 5 }),
    lastAssignedAt: fc.option(fc.integer({ min: 0, max: 3 }).map(at), { nil: undefined }),
    assignedCount: fc.nat({ max: 50 }),
  })
  .map(({ role, scenarios, lastAssignedAt, ...rest }) => ({
    ...rest,
    role,
    name: rest.memberId,
    tier: TIER_OF_ROLE[role],
    scenarios: role === 'contractor' ? scenarios : [],
    ...(lastAssignedAt ? { lastAssignedAt } : {}),
  }));

const rosterArb = fc.uniqueArray(memberArb, { selector: (m) => m.memberId, maxLength: IDS.length });

const ticketArb = (ticketId: fc.Arbitrary<string>): fc.Arbitrary<QueuedTicket> =>
  fc.record(
    {
      ticketId,
      urgency: fc.constantFrom('urgent', 'normal'),
      receivedAt: fc.integer({ min: 0, max: 5 }).map(at),
      triage: fc.record(
        {
          faultCategory: fc.constantFrom(...CATEGORIES, 'camera'),
          scenario: fc.constantFrom(...SCENARIOS),
          difficulty: fc.constantFrom('common', 'hard', 'fixed-scenario'),
        },
        { requiredKeys: [] },
      ),
      catalogued: fc.record({ fixed: fc.boolean() }),
    },
    { requiredKeys: ['ticketId', 'urgency', 'receivedAt'] },
  );

const hasRoom = (m: Candidate) => m.onDuty && m.openTickets < m.capacity;

/** Checks one choice against the rules, independently of how the policy finds it. */
function expectSound(t: TicketToRoute, roster: readonly Candidate[], choice: ReturnType<typeof chooseAssignee>) {
  const scenario = t.triage?.scenario;
  const hard = t.triage?.difficulty === 'hard';
  // a scenario the catalogue lists as not fixed has no whitelisted contractor, whatever the whitelists say
  const contractorSafe = t.catalogued?.fixed !== false;
  const whitelisted = roster.filter((m) => contractorSafe && m.role === 'contractor' && scenario !== undefined && m.scenarios.includes(scenario));
  const freeAgents = roster.filter((m) => m.role === 'agent' && hasRoom(m));
  if (!choice.ok) {
    if (hard) expect(roster.some((m) => m.role === 'senior' && hasRoom(m))).toBe(false);
    else expect([...freeAgents, ...whitelisted.filter(hasRoom)]).toEqual([]);
    return;
  }
  const chosen = roster.find((m) => m.memberId === choice.assignee.id)!;
  expect(hasRoom(chosen)).toBe(true);
  expect(chosen.role).not.toBe('lead');
  if (choice.kind === 'dispatch') {
    expect(hard).toBe(false);
    expect(whitelisted).toContain(chosen);
    expect(choice.scenario).toBe(scenario);
    return;
  }
  expect(chosen.role).toBe(hard ? 'senior' : 'agent');
  // a whitelisted contractor with room would have been preferred
  if (!hard && whitelisted.length > 0) expect(whitelisted.filter(hasRoom)).toEqual([]);
  // the skill first, then the fewest open tickets within the preferred group
  const category = t.triage?.faultCategory;
  const pool = hard ? roster.filter((m) => m.role === 'senior' && hasRoom(m)) : freeAgents;
  const skilled = !hard && category ? pool.filter((m) => m.skills.includes(category)) : [];
  const preferred = skilled.length > 0 ? skilled : pool;
  expect(preferred).toContain(chosen);
  expect(chosen.openTickets).toBe(Math.min(...preferred.map((m) => m.openTickets)));
}

describe('chooseAssignee properties', () => {
  it('every choice follows the rules, and the answer does not depend on the roster order', () => {
    fc.assert(
      fc.property(
        rosterArb.chain((roster) => fc.tuple(fc.constant(roster), fc.shuffledSubarray(roster, { minLength: roster.length }))),
        ticketArb(fc.constant('t-1')),
        ([roster, shuffled], t) => {
          const choice = chooseAssignee(t, roster);
          expectSound(t, roster, choice);
          expect(chooseAssignee(t, shuffled)).toEqual(choice);
          expect(chooseAssignee(t, roster)).toEqual(choice);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('fairness: tickets assigned one at a time to equal agents leave per-agent counts at most 1 apart', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.array(fc.record({ urgency: fc.constantFrom('urgent', 'normal'), faultCategory: fc.constantFrom(...CATEGORIES, undefined) }), {
          minLength: 1,
          maxLength: 150,
        }),
        fc.boolean(),
        (n, arrivals, sameInstant) => {
          let agents = Array.from({ length: n }, (_, i) => member(`agent-${i}`, 'agent', { skills: CATEGORIES, capacity: 1000 }));
          arrivals.forEach((arrival, i) => {
            const choice = chooseAssignee(
              ticket(`t-${i}`, { urgency: arrival.urgency, receivedAt: at(i), triage: arrival.faultCategory ? { faultCategory: arrival.faultCategory } : {} }),
              agents,
            );
            if (!choice.ok) throw new Error(choice.reason);
            const assignedAt = sameInstant ? at(0) : at(i);
            agents = agents.map((m) =>
              m.memberId === choice.assignee.id ? { ...m, openTickets: m.openTickets + 1, assignedCount: m.assignedCount + 1, lastAssignedAt: assignedAt } : m,
            );
            const counts = agents.map((m) => m.assignedCount);
            expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('fairness with closures: with equal open load, the agent who waited longest gets the next ticket', () => {
    // three agents each holding one ticket; the one assigned longest ago goes first, round after round
    let agents = ['agent-x', 'agent-y', 'agent-z'].map((id, i) => member(id, 'agent', { openTickets: 1, lastAssignedAt: at(3 - i) }));
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const choice = chooseAssignee(ticket(`t-${i}`), agents);
      if (!choice.ok) throw new Error(choice.reason);
      order.push(choice.assignee.id);
      // the ticket is closed at once: load stays equal, only recency moves
      agents = agents.map((m) => (m.memberId === choice.assignee.id ? { ...m, lastAssignedAt: at(10 + i) } : m));
    }
    expect(order).toEqual(['agent-z', 'agent-y', 'agent-x', 'agent-z', 'agent-y', 'agent-x']);
  });
});

describe("contractorMayTake: only fixed scenarios on the contractor's whitelist", () => {
  // the catalogue's word (fixed, not fixed, or not listed) x the triage's difficulty x the contractor's whitelist
  const FIXED = { fixed: true };
  const NOT_FIXED = { fixed: false };
  const NOT_LISTED = undefined;
  const YES = 'ok';
  const RULE: Array<[TicketToRoute['catalogued'], 'fixed-scenario' | 'common' | 'hard' | undefined, 'whitelisted' | 'not whitelisted', string | RegExp]> = [
    // the catalogue lists it as fixed: the whitelist decides, unless the triage says hard
    [FIXED, 'fixed-scenario', 'whitelisted', YES],
    [FIXED, 'common', 'whitelisted', YES],
    [FIXED, undefined, 'whitelisted', YES],
    [FIXED, 'hard', 'whitelisted', /^a hard problem cannot go to contractor contractor-chen/],
    [FIXED, 'fixed-scenario', 'not whitelisted', /^contractor contractor-chen is not whitelisted for scenario hdmi-output$/],
    [FIXED, 'common', 'not whitelisted', /is not whitelisted/],
    [FIXED, undefined, 'not whitelisted', /is not whitelisted/],
    [FIXED, 'hard', 'not whitelisted', /^a hard problem/],
    // the catalogue lists it as not fixed: never, whatever the triage and the whitelist say
    [NOT_FIXED, 'fixed-scenario', 'whitelisted', /^scenario hdmi-output is not a fixed scenario in the catalogue: contractors take fixed scenarios only$/],
    [NOT_FIXED, 'common', 'whitelisted', /is not a fixed scenario in the catalogue/],
    [NOT_FIXED, undefined, 'whitelisted', /is not a fixed scenario in the catalogue/],
    [NOT_FIXED, 'hard', 'whitelisted', /^a hard problem/],
    [NOT_FIXED, 'fixed-scenario', 'not whitelisted', /is not a fixed scenario in the catalogue/],
    [NOT_FIXED, 'common', 'not whitelisted', /is not a fixed scenario in the catalogue/],
    [NOT_FIXED, undefined, 'not whitelisted', /is not a fixed scenario in the catalogue/],
    [NOT_FIXED, 'hard', 'not whitelisted', /^a hard problem/],
    // the catalogue does not list it: as before the catalogue, a whitelisted scenario that is not hard
    [NOT_LISTED, 'fixed-scenario', 'whitelisted', YES],
    [NOT_LISTED, 'common', 'whitelisted', YES],
    [NOT_LISTED, undefined, 'whitelisted', YES],
    [NOT_LISTED, 'hard', 'whitelisted', /^a hard problem/],
    [NOT_LISTED, 'fixed-scenario', 'not whitelisted', /is not whitelisted/],
    [NOT_LISTED, 'common', 'not whitelisted', /is not whitelisted/],
    [NOT_LISTED, undefined, 'not whitelisted', /is not whitelisted/],
    [NOT_LISTED, 'hard', 'not whitelisted', /^a hard problem/],
  ];

  it.each(RULE)('catalogue %j, difficulty %s, %s -> %s', (catalogued, difficulty, whitelist, expected) => {
    const contractor = { ...chen, scenarios: whitelist === 'whitelisted' ? ['router-reset', 'hdmi-output'] : ['router-reset'] };
    const t = ticket('t-1', { triage: { scenario: 'hdmi-output', ...(difficulty ? { difficulty } : {}) }, ...(catalogued ? { catalogued } : {}) });
    const eligibility = contractorMayTake(t, contractor);
    if (expected === YES) expect(eligibility).toEqual({ ok: true, scenario: 'hdmi-output' });
    else expect(eligibility).toEqual({ ok: false, reason: expect.stringMatching(expected) });
  });

  it('a ticket without a scenario never goes to a contractor, whatever the catalogue says of others', () => {
    expect(contractorMayTake(ticket('t-1', { triage: { difficulty: 'fixed-scenario', scenario: '  ' } }), chen)).toEqual({
      ok: false,
      reason: 'contractor contractor-chen takes only fixed scenarios on their whitelist, and ticket t-1 has no scenario',
    });
  });
});

describe('chooseAssignee with the scenario catalogue', () => {
  const CASES: Array<[string, TicketToRoute['triage'], TicketToRoute['catalogued'], Record<string, Partial<Candidate>>, Expected, RegExp]> = [
    [
      'catalogued fixed, triage says common -> whitelisted contractor',
      { scenario: 'router-reset', difficulty: 'common', faultCategory: 'network' },
      { fixed: true },
      {},
      { id: 'contractor-chen', kind: 'dispatch', tier: 'L1', scenario: 'router-reset' },
      /^fixed scenario router-reset: whitelisted contractor with fewest open tickets \(1\/3\)$/,
    ],
    [
      'catalogued not fixed, even with difficulty fixed-scenario and a whitelisted contractor -> agent',
      { scenario: 'router-reset', difficulty: 'fixed-scenario' },
      { fixed: false },
      {},
      { id: 'agent-liu', kind: 'assign', tier: 'L1' },
      /^scenario router-reset is not a fixed scenario in the catalogue, so the common rule applies; common problem: L1 agent with fewest open tickets \(1\/5\)$/,
    ],
    [
      'catalogued not fixed, the skill still counts -> the skilled agent',
      { scenario: 'router-reset', faultCategory: 'printer' },
      { fixed: false },
      {},
      { id: 'agent-li', kind: 'assign', tier: 'L1' },
      /^scenario router-reset is not a fixed scenario in the catalogue, so the common rule applies; common fault printer: L1 agent with the skill/,
    ],
    [
      'catalogued not fixed, no agent free -> waits, though the whitelisted contractor is free',
      { scenario: 'router-reset', difficulty: 'fixed-scenario' },
      { fixed: false },
      { 'agent-li': { onDuty: false }, 'agent-liu': { onDuty: false } },
      'none',
      /^scenario router-reset is not a fixed scenario in the catalogue, so the common rule applies; common problem: no L1 agent on duty/,
    ],
    [
      'catalogued fixed, nobody whitelisted -> common rule',
      { scenario: 'hdmi-output' },
      { fixed: true },
      {},
      { id: 'agent-liu', kind: 'assign', tier: 'L1' },
      /^fixed scenario hdmi-output: no whitelisted contractor on the roster, so the common rule applies; common problem/,
    ],
    [
      'catalogued fixed, contractor off duty -> agent',
      { scenario: 'router-reset' },
      { fixed: true },
      { 'contractor-chen': { onDuty: false } },
      { id: 'agent-liu', kind: 'assign', tier: 'L1' },
      /^fixed scenario router-reset: no whitelisted contractor on duty with free capacity \(of 1: 1 off duty, 0 at capacity\), so the common rule applies/,
    ],
    [
      'catalogued fixed, triage says hard -> L2 senior',
      { scenario: 'router-reset', difficulty: 'hard' },
      { fixed: true },
      {},
      { id: 'senior-wang', kind: 'assign', tier: 'L2' },
      /^hard problem/,
    ],
    [
      'catalogued not fixed, triage says hard -> L2 senior',
      { scenario: 'router-reset', difficulty: 'hard' },
      { fixed: false },
      {},
      { id: 'senior-wang', kind: 'assign', tier: 'L2' },
      /^hard problem/,
    ],
  ];

  it.each(CASES)('%s', (_name, triage, catalogued, changes, expected, reason) => {
    const choice = chooseAssignee(ticket('t-1', { triage, ...(catalogued ? { catalogued } : {}) }), studio(changes));
    expect(choice.reason).toMatch(reason);
    if (expected === 'none') {
      expect(choice.ok).toBe(false);
      return;
    }
    if (!choice.ok) throw new Error(choice.reason);
    expect({ id: choice.assignee.id, kind: choice.kind, tier: choice.tier, scenario: choice.scenario }).toEqual({ scenario: undefined, ...expected });
  });

  it("a drain gives a scenario catalogued not fixed to an agent and the contractor's slot to a fixed one behind it", () => {
    const roster = [chen, member('agent-a', 'agent', { capacity: 1 })];
    const notFixed = ticket('t-not-fixed', { urgency: 'urgent', triage: { scenario: 'router-reset', difficulty: 'fixed-scenario' }, catalogued: { fixed: false } });
    const fixed = ticket('t-fixed', { receivedAt: at(5), triage: { scenario: 'router-reset' }, catalogued: { fixed: true } });
    const { assignments } = drainQueue([fixed, notFixed], roster);
    expect(assignments.map((d) => [d.ticket.ticketId, d.choice.kind, d.choice.assignee.id])).toEqual([
      ['t-not-fixed', 'assign', 'agent-a'],
      ['t-fixed', 'dispatch', 'contractor-chen'],
    ]);
  });
});

describe('chooseEscalationTarget', () => {
  const t = ticket('t-1');

  it('L1 -> L2: the senior with fewest open tickets', () => {
    const roster = [...studio({ 'senior-wang': { openTickets: 3 } }), member('senior-sun', 'senior', { openTickets: 2 })];
    expect(chooseEscalationTarget(t, 'L1', roster)).toEqual({
      ok: true,
      kind: 'escalate',
      assignee: { id: 'senior-sun', role: 'senior', name: 'senior-sun' },
      fromTier: 'L1',
      toTier: 'L2',
      reason: 'escalation L1 -> L2: L2 senior with fewest open tickets (2/5)',
    });
  });

  it('L2 -> L3: the lead', () => {
    const choice = chooseEscalationTarget(t, 'L2', STUDIO);
    expect(choice).toMatchObject({ ok: true, assignee: { id: 'lead-zhao', role: 'lead' }, fromTier: 'L2', toTier: 'L3' });
  });

  it('L3 is final', () => {
    expect(chooseEscalationTarget(t, 'L3', STUDIO)).toEqual({ ok: false, final: true, reason: 'L3 is final' });
  });

  it('a lead at capacity is not free either', () => {
    expect(chooseEscalationTarget(t, 'L2', studio({ 'lead-zhao': { openTickets: 5 } }))).toEqual({
      ok: false,
      final: false,
      reason: 'escalation L2 -> L3: no L3 lead on duty with free capacity (of 1: 0 off duty, 1 at capacity)',
    });
  });

  it('nobody of the next tier on duty: not final, the escalation waits; agents and contractors are never targets', () => {
    const choice = chooseEscalationTarget(t, 'L1', studio({ 'senior-wang': { onDuty: false } }));
    expect(choice).toEqual({ ok: false, final: false, reason: expect.stringMatching(/^escalation L1 -> L2: no L2 senior on duty with free capacity/) });
    expect(chooseEscalationTarget(t, 'L1', [li, liu, chen, lead])).toEqual({ ok: false, final: false, reason: 'escalation L1 -> L2: no L2 senior on the roster' });
  });

  it('ties break as for assignment', () => {
    const seniors = [member('s-b', 'senior', { lastAssignedAt: at(5) }), member('s-a', 'senior', { lastAssignedAt: at(5) }), member('s-c', 'senior', { lastAssignedAt: at(1) })];
    for (const order of [seniors, [...seniors].reverse()]) {
      const choice = chooseEscalationTarget(t, 'L1', order);
      expect(choice.ok && choice.assignee.id).toBe('s-c');
    }
  });

  it('every tier but L3 has a next one', () => {
    expect(TIERS.map((tier) => chooseEscalationTarget(t, tier, []).ok === false && chooseEscalationTarget(t, tier, []))).toEqual([
      { ok: false, final: false, reason: 'escalation L1 -> L2: no L2 senior on the roster' },
      { ok: false, final: false, reason: 'escalation L2 -> L3: no L3 lead on the roster' },
      { ok: false, final: true, reason: 'L3 is final' },
    ]);
  });
});

describe('checkManualAssignment', () => {
  const fixed = ticket('t-1', { triage: { scenario: 'router-reset', difficulty: 'fixed-scenario' } });
  const hard = ticket('t-2', { triage: { scenario: 'router-reset', difficulty: 'hard' } });
  const common = ticket('t-3', { triage: { faultCategory: 'printer' } });

  const CASES: Array<[string, TicketToRoute, Candidate | undefined, { kind: 'assign' | 'dispatch'; tier: Tier; scenario?: string } | [string, RegExp]]> = [
    ['a whitelisted contractor for the scenario', fixed, chen, { kind: 'dispatch', tier: 'L1', scenario: 'router-reset' }],
    [
      'a contractor outside the whitelist',
      ticket('t-4', { triage: { scenario: 'camera-firmware' } }),
      chen,
      ['illegal-transition', /^contractor contractor-chen is not whitelisted for scenario camera-firmware$/],
    ],
    ['a contractor for a ticket without a scenario', common, chen, ['illegal-transition', /takes only fixed scenarios on their whitelist, and ticket t-3 has no scenario/]],
    ['a contractor for a hard problem, even whitelisted', hard, chen, ['illegal-transition', /a hard problem cannot go to contractor contractor-chen/]],
    ['an agent for a hard problem', hard, liu, ['illegal-transition', /^a hard problem needs tier L2 or above, and agent agent-liu is L1$/]],
    ['a senior for a hard problem', hard, senior, { kind: 'assign', tier: 'L2' }],
    ['a lead for a hard problem', hard, lead, { kind: 'assign', tier: 'L3' }],
    ['an agent for a common problem', common, li, { kind: 'assign', tier: 'L1' }],
    ['a senior for a common problem (a higher tier may take it)', common, senior, { kind: 'assign', tier: 'L2' }],
    ['an agent for a fixed scenario (a lead may keep it in-house)', fixed, liu, { kind: 'assign', tier: 'L1' }],
    ['a member off duty', common, { ...li, onDuty: false }, ['illegal-transition', /^agent agent-li is off duty$/]],
    ['a member at capacity', common, { ...li, openTickets: 5 }, ['illegal-transition', /^agent agent-li is at capacity \(5\/5 open tickets\)$/]],
    ['a contractor at capacity', fixed, { ...chen, openTickets: 3 }, ['illegal-transition', /at capacity \(3\/3/]],
    ['the current assignee', { ...common, assigneeId: 'agent-li' }, li, ['illegal-transition', /^ticket t-3 is already assigned to agent agent-li$/]],
    // the scenario catalogue, as for automatic routing
    [
      'a whitelisted contractor for a scenario the catalogue lists as not fixed',
      { ...fixed, catalogued: { fixed: false } },
      chen,
      ['illegal-transition', /^scenario router-reset is not a fixed scenario in the catalogue: contractors take fixed scenarios only$/],
    ],
    [
      'a whitelisted contractor for a scenario the catalogue lists as fixed, triage common',
      { ...common, triage: { scenario: 'router-reset', difficulty: 'common' }, catalogued: { fixed: true } },
      chen,
      { kind: 'dispatch', tier: 'L1', scenario: 'router-reset' },
    ],
    [
      'a contractor outside the whitelist for a scenario the catalogue lists as fixed',
      { ...fixed, triage: { scenario: 'hdmi-output' }, catalogued: { fixed: true } },
      chen,
      ['illegal-transition', /^contractor contractor-chen is not whitelisted for scenario hdmi-output$/],
    ],
    ['an agent for a scenario the catalogue lists as not fixed', { ...fixed, catalogued: { fixed: false } }, liu, { kind: 'assign', tier: 'L1' }],
    ['nobody', common, undefined, ['not-found', /not on the roster/]],
  ];

  it.each(CASES)('%s', (_name, t, candidate, expected) => {
    const check = checkManualAssignment(t, candidate);
    if (Array.isArray(expected)) {
      const [code, reason] = expected;
      expect(check).toEqual({ ok: false, code, reason: expect.stringMatching(reason) });
      return;
    }
    if (!check.ok) throw new Error(check.reason);
    expect(check).toEqual({
      ok: true,
      ...expected,
      assignee: { id: candidate!.memberId, role: candidate!.role, name: candidate!.name },
      reason: expect.stringMatching(/^manual /),
    });
  });
});

describe('queueOrder', () => {
  const ORDER: Array<[string, QueuedTicket, QueuedTicket]> = [
    ['urgent before normal, however old the normal one', ticket('t-9', { urgency: 'urgent', receivedAt: at(60) }), ticket('t-1', { receivedAt: at(0) })],
    ['earlier receivedAt first', ticket('t-9', { receivedAt: at(1) }), ticket('t-1', { receivedAt: at(2) })],
    ['then ticketId', ticket('t-1'), ticket('t-2')],
    ['receivedAt as instants: 09:00+08:00 is before 02:00Z', ticket('t-9', { receivedAt: '2025-03-03T09:00:00+08:00' }), ticket('t-1', { receivedAt: '2025-03-03T02:00:00.000Z' })],
  ];

  it.each(ORDER)('%s', (_name, first, second) => {
    expect(queueOrder(first, second)).toBeLessThan(0);
    expect(queueOrder(second, first)).toBeGreaterThan(0);
    expect(queueOrder(first, { ...first })).toBe(0);
  });

  it('sorting puts every urgent ticket before every normal one, the same way whatever the input order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(ticketArb(fc.integer({ min: 0, max: 999 }).map((i) => `t-${i}`)), { selector: (t) => t.ticketId, maxLength: 60 }), fc.nat(), (tickets, seed) => {
        const sorted = [...tickets].sort(queueOrder);
        const firstNormal = sorted.findIndex((t) => t.urgency === 'normal');
        if (firstNormal >= 0) expect(sorted.slice(firstNormal).every((t) => t.urgency === 'normal')).toBe(true);
        const rotated = [...tickets.slice(seed % (tickets.length || 1)), ...tickets.slice(0, seed % (tickets.length || 1))].reverse();
        expect(rotated.sort(queueOrder)).toEqual(sorted);
      }),
    );
  });
});

describe('drainQueue', () => {
  const agents3 = ['agent-a', 'agent-b', 'agent-c'].map((id) => member(id, 'agent', { capacity: 5 }));

  it('200 tickets at once, 3 agents of capacity 5: the first 15 in queue order are assigned, 5 each; 185 wait in order', () => {
    // a fixed shuffle: urgent tickets arrive later than many normal ones, and in no particular order
    const tickets = Array.from({ length: 200 }, (_, i) =>
      ticket(`t-${String(i).padStart(3, '0')}`, { urgency: i % 7 === 3 ? 'urgent' : 'normal', receivedAt: at((i * 37) % 200) }),
    );
    const shuffled = [...tickets].sort(
      (x, y) => ((x.ticketId.charCodeAt(4) * 31 + x.ticketId.charCodeAt(3)) % 17) - ((y.ticketId.charCodeAt(4) * 31 + y.ticketId.charCodeAt(3)) % 17),
    );
    const inQueueOrder = [...tickets].sort(queueOrder);

    const { assignments, waiting } = drainQueue(shuffled, agents3);

    expect(assignments).toHaveLength(15);
    expect(assignments.map((d) => d.ticket.ticketId)).toEqual(inQueueOrder.slice(0, 15).map((t) => t.ticketId));
    expect(assignments.every((d) => d.ticket.urgency === 'urgent')).toBe(true); // 29 urgent tickets: the 15 are all urgent
    const perAgent = new Map<string, number>();
    for (const d of assignments) perAgent.set(d.choice.assignee.id, (perAgent.get(d.choice.assignee.id) ?? 0) + 1);
    expect(Object.fromEntries(perAgent)).toEqual({ 'agent-a': 5, 'agent-b': 5, 'agent-c': 5 });

    expect(waiting).toHaveLength(185);
    expect(waiting.map((w) => w.ticket.ticketId)).toEqual(inQueueOrder.slice(15).map((t) => t.ticketId));
    expect(waiting[0].reason).toBe('common problem: no L1 agent on duty with free capacity (of 3: 0 off duty, 3 at capacity)');

    // and does not touch its input
    expect(agents3.every((m) => m.openTickets === 0 && m.assignedCount === 0)).toBe(true);
  });

  it('spreads one batch round-robin: open load first, then who was assigned earlier in the batch', () => {
    const { assignments } = drainQueue(
      Array.from({ length: 7 }, (_, i) => ticket(`t-${i}`, { receivedAt: at(i) })),
      agents3,
    );
    expect(assignments.map((d) => d.choice.assignee.id)).toEqual(['agent-a', 'agent-b', 'agent-c', 'agent-a', 'agent-b', 'agent-c', 'agent-a']);
  });

  it('a member just given a ticket in this batch goes behind an equally loaded one, whatever their ids', () => {
    // without batch recency both would be "never assigned" and agent-a would win again on its id
    const agents = [member('agent-a', 'agent'), member('agent-b', 'agent', { openTickets: 1 })];
    const { assignments } = drainQueue([ticket('t-1', { receivedAt: at(1) }), ticket('t-2', { receivedAt: at(2) }), ticket('t-3', { receivedAt: at(3) })], agents);
    expect(assignments.map((d) => d.choice.assignee.id)).toEqual(['agent-a', 'agent-b', 'agent-a']);
  });

  it('an earlier assignment outside the batch counts as older than one inside it', () => {
    const agents = [member('agent-a', 'agent', { lastAssignedAt: at(-5) }), member('agent-b', 'agent', { openTickets: 1, lastAssignedAt: at(-60) })];
    const { assignments } = drainQueue([ticket('t-1', { receivedAt: at(1) }), ticket('t-2', { receivedAt: at(2) }), ticket('t-3', { receivedAt: at(3) })], agents);
    // t-1 -> a (fewer open); then both hold 1: b was assigned an hour ago, a just now -> b; then a (b is newer in this batch)
    expect(assignments.map((d) => d.choice.assignee.id)).toEqual(['agent-a', 'agent-b', 'agent-a']);
  });

  describe('a ticket nobody can take stays, and blocks nobody else', () => {
    it('an urgent ticket gets the last agent slot before an older normal one (its fixed scenario falls back to agents)', () => {
      const roster = [{ ...chen, onDuty: false }, member('agent-a', 'agent', { capacity: 1 })];
      const normal = ticket('t-normal', { receivedAt: at(0), triage: { faultCategory: 'printer' } });
      const urgent = ticket('t-urgent', { urgency: 'urgent', receivedAt: at(30), triage: { scenario: 'router-reset', difficulty: 'fixed-scenario' } });
      const { assignments, waiting } = drainQueue([normal, urgent], roster);
      expect(assignments.map((d) => [d.ticket.ticketId, d.choice.assignee.id])).toEqual([['t-urgent', 'agent-a']]);
      expect(waiting.map((w) => w.ticket.ticketId)).toEqual(['t-normal']);
    });

    it('an urgent hard ticket waiting for a senior does not keep a normal ticket from a free agent', () => {
      const roster = [{ ...senior, openTickets: 5 }, member('agent-a', 'agent', { capacity: 1 }), lead];
      const hard = ticket('t-hard', { urgency: 'urgent', triage: { difficulty: 'hard' } });
      const normal = ticket('t-normal', { receivedAt: at(10) });
      const { assignments, waiting } = drainQueue([normal, hard], roster);
      expect(assignments.map((d) => [d.ticket.ticketId, d.choice.assignee.id])).toEqual([['t-normal', 'agent-a']]);
      expect(waiting).toEqual([{ ticket: hard, reason: expect.stringMatching(/^hard problem: no L2 senior/) }]);
    });

    it('common tickets waiting for agents do not keep a fixed-scenario ticket from the contractor', () => {
      const roster = [chen, member('agent-a', 'agent', { openTickets: 5 })];
      const commons = [0, 1, 2].map((i) => ticket(`t-c${i}`, { urgency: 'urgent', receivedAt: at(i) }));
      const fixed = ticket('t-fixed', { receivedAt: at(9), triage: { scenario: 'printer-driver-reinstall' } });
      const { assignments, waiting } = drainQueue([...commons, fixed], roster);
      expect(assignments.map((d) => [d.ticket.ticketId, d.choice.kind, d.choice.assignee.id])).toEqual([['t-fixed', 'dispatch', 'contractor-chen']]);
      expect(waiting.map((w) => w.ticket.ticketId)).toEqual(['t-c0', 't-c1', 't-c2']);
    });

    it('an escalation waiting for L2 does not block agents; an escalation that finds a senior takes one', () => {
      const roster = [member('agent-a', 'agent'), member('senior-s', 'senior', { capacity: 1 })];
      const esc1 = ticket('t-e1', { urgency: 'urgent', escalation: { fromTier: 'L1' } });
      const esc2 = ticket('t-e2', { urgency: 'urgent', receivedAt: at(1), escalation: { fromTier: 'L1' } });
      const normal = ticket('t-n', { receivedAt: at(2) });
      const final = ticket('t-final', { receivedAt: at(3), escalation: { fromTier: 'L3' } });
      const { assignments, waiting } = drainQueue([final, normal, esc2, esc1], roster);
      expect(assignments.map((d) => [d.ticket.ticketId, d.choice.kind, d.choice.assignee.id])).toEqual([
        ['t-e1', 'escalate', 'senior-s'],
        ['t-n', 'assign', 'agent-a'],
      ]);
      expect(waiting.map((w) => [w.ticket.ticketId, w.reason])).toEqual([
        ['t-e2', expect.stringMatching(/^escalation L1 -> L2: no L2 senior on duty with free capacity/)],
        ['t-final', 'L3 is final'],
      ]);
    });
  });

  it('properties: nobody over capacity, every waiting ticket has no one left to take it, order and input order do not matter', () => {
    const queueArb = fc.uniqueArray(ticketArb(fc.integer({ min: 0, max: 99 }).map((i) => `t-${i}`)), { selector: (t) => t.ticketId, maxLength: 40 });
    fc.assert(
      fc.property(rosterArb, queueArb, fc.nat(), (roster, queue, seed) => {
        const result = drainQueue(queue, roster);

        // every ticket is either decided or waiting, exactly once, each list in queue order
        const sorted = [...queue].sort(queueOrder);
        expect([...result.assignments.map((d) => d.ticket), ...result.waiting.map((w) => w.ticket)].sort(queueOrder)).toEqual(sorted);
        const positions = (ts: QueuedTicket[]) => ts.map((t) => sorted.indexOf(t));
        const ascending = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1] < x);
        expect(ascending(positions(result.assignments.map((d) => d.ticket)))).toBe(true);
        expect(ascending(positions(result.waiting.map((w) => w.ticket)))).toBe(true);

        // replay the decisions one by one: each is what chooseAssignee says given the loads so far
        // (up to batch recency), and nobody ever goes over capacity
        let loads = roster.map((m) => ({ ...m }));
        for (const { ticket: t, choice } of result.assignments) {
          const m = loads.find((x) => x.memberId === choice.assignee.id)!;
          expect(hasRoom(m)).toBe(true);
          if (choice.kind !== 'escalate') expectSound(t, loads, choice);
          loads = loads.map((x) => (x === m ? { ...x, openTickets: x.openTickets + 1 } : x));
        }

        // a ticket left waiting could not be taken by anyone even now, after the drain
        for (const { ticket: t } of result.waiting) expect(chooseAssignee(t, loads).ok).toBe(false);

        // deterministic, whatever the input order
        const k = seed % (queue.length || 1);
        const again = drainQueue([...queue.slice(k), ...queue.slice(0, k)].reverse(), [...roster].reverse());
        expect(again).toEqual(result);
      }),
      { numRuns: 300 },
    );
  });

  it('equal agents share a drain fairly (counts at most 1 apart) and no agent exceeds capacity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 80 }), (n, capacity, count) => {
        const agents = Array.from({ length: n }, (_, i) => member(`agent-${i}`, 'agent', { capacity }));
        const { assignments, waiting } = drainQueue(
          Array.from({ length: count }, (_, i) => ticket(`t-${i}`, { receivedAt: at(i % 5) })),
          agents,
        );
        const counts = agents.map((a) => assignments.filter((d) => d.choice.assignee.id === a.memberId).length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        expect(Math.max(...counts)).toBeLessThanOrEqual(capacity);
        expect(assignments.length).toBe(Math.min(count, n * capacity));
        expect(waiting.length).toBe(count - assignments.length);
      }),
    );
  });

  it('refuses a roster with a member listed twice (a caller bug)', () => {
    expect(() => drainQueue([], [li, li])).toThrow(/twice/);
  });
});
