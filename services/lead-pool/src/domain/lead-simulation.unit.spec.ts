import { Actor, LeadEvent, LeadRatio } from '@support/contracts';
import { allocateSequence } from './allocation';
import { leadOutcome } from './lead-outcome';
import { LEAD_POOL, mergeRecord, RecordedInput, recordedHistory, replayPool, rosterAfter, sameRatios } from './lead-simulation';

// the pure replay: given the recorded inputs, when a proposal, then the simulated allocations and the outcome

const T0 = new Date('2026-11-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const FROM = at(1000);
const TO = at(100_000);
const member = (id: string): Actor => ({ id, role: 'agent' });
const leadId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const EVEN: LeadRatio[] = [
  { memberId: 'wang', weight: 1 },
  { memberId: 'chen', weight: 1 },
  { memberId: 'li', weight: 1 },
];
const TWO_ONE_ONE: LeadRatio[] = [
  { memberId: 'wang', weight: 2 },
  { memberId: 'chen', weight: 1 },
  { memberId: 'li', weight: 1 },
];

const registered = (memberId: string, minute = 0, role: 'agent' | 'contractor' = 'agent'): RecordedInput => ({
  source: 'roster',
  at: at(minute),
  event: { type: 'support.member.registered.v1', data: { memberId, role, name: memberId, tier: 'L1', skills: [], scenarios: [], capacity: 5 } },
});
const onDuty = (memberId: string, minute = 0): RecordedInput => ({ source: 'roster', at: at(minute), event: { type: 'support.member.went-on-duty.v1', data: { memberId } } });
const offDuty = (memberId: string, minute: number): RecordedInput => ({ source: 'roster', at: at(minute), event: { type: 'support.member.went-off-duty.v1', data: { memberId } } });
const ratiosSet = (version: number, ratios: LeadRatio[], minute = 1, acceptMinutes = 60): RecordedInput => ({
  source: 'policy',
  at: at(minute),
  event: { type: 'support.lead.ratios-set.v1', data: { policyId: 'default', version, ratios, acceptMinutes } },
});
const lead = (minute: number, event: LeadEvent, actor: Actor = LEAD_POOL): RecordedInput => ({ source: 'lead', at: at(minute), event, actor });
const captured = (n: number, minute: number, by = 'wang') =>
  lead(
    minute,
    {
      type: 'support.lead.captured.v1',
      data: { leadId: leadId(n), source: { memberId: by, platform: 'douyin', account: `@${by}` }, customerHandle: 'h', contact: { phone: '+86 139 0000' }, via: 'rest' },
    },
    member(by),
  );
const allocated = (n: number, minute: number, memberId: string, policyVersion = 1) =>
  lead(minute, { type: 'support.lead.allocated.v1', data: { leadId: leadId(n), memberId, policyVersion, acceptBy: at(minute + 60).toISOString() } });
const accepted = (n: number, minute: number, memberId: string) => lead(minute, { type: 'support.lead.accepted.v1', data: { leadId: leadId(n), memberId } }, member(memberId));
const declined = (n: number, minute: number, memberId: string) =>
  lead(minute, { type: 'support.lead.returned.v1', data: { leadId: leadId(n), memberId, why: 'declined' } }, member(memberId));
const timedOut = (n: number, minute: number, memberId: string) => lead(minute, { type: 'support.lead.returned.v1', data: { leadId: leadId(n), memberId, why: 'timed-out' } });

const studio = [registered('wang'), registered('chen'), registered('li'), onDuty('wang'), onDuty('chen'), onDuty('li')];
const holders = (history: ReturnType<typeof replayPool>) => history.bookings.map((b) => `${b.delta > 0 ? '+' : '-'}${Number(b.leadId.slice(-4))}:${b.memberId}`);

describe('the what-if replay of the lead pool', () => {
  it('allocates by the proposal from `from`, by the recorded ratios before, with the live rule', () => {
    // 2 leads before from under 1:1:1 (wang, chen), 10 in the period under 2:1:1 from fresh counts
    const inputs = [...studio, ratiosSet(1, EVEN), captured(1, 10), captured(2, 20)];
    for (let n = 3; n <= 12; n++) inputs.push(captured(n, 1000 + n * 10));
    const replay = replayPool(inputs, { from: FROM, ratios: TWO_ONE_ONE });
    expect(holders(replay).slice(0, 2)).toEqual(['+1:wang', '+2:chen']);
    // the allocation rule's own sequence for 2:1:1 from no counts
    expect(replay.bookings.slice(2).map((b) => b.memberId)).toEqual(allocateSequence(TWO_ONE_ONE, 10));
    expect(replay.bookings.slice(2).map((b) => b.memberId)).toEqual(['wang', 'chen', 'li', 'wang', 'wang', 'chen', 'li', 'wang', 'wang', 'chen']);
    expect(replay.bookings[2].policyVersion).toBe(2);
  });

  it('goes on with the version in force and its counts when the proposal equals it (in any order)', () => {
    const inputs = [...studio, ratiosSet(1, EVEN), captured(1, 10), captured(2, 20), captured(3, 1010), captured(4, 1020)];
    const reordered = [EVEN[2], EVEN[0], EVEN[1]];
    const replay = replayPool(inputs, { from: FROM, ratios: reordered });
    // wang, chen before; li, then wang: the 1:1:1 sequence goes on (a new version would start over at wang)
    expect(holders(replay)).toEqual(['+1:wang', '+2:chen', '+3:li', '+4:wang']);
    expect(replay.bookings.every((b) => b.policyVersion === 1)).toBe(true);
    expect(sameRatios(EVEN, reordered)).toBe(true);
    expect(sameRatios(EVEN, TWO_ONE_ONE)).toBe(false);
  });

  it('reproduces the record when the proposal is the policy in force, declines and time-outs included', () => {
    // the record as the live pool made it: 1:1:1; li declines lead 3 (wang gets it), chen lets lead 5 time out (li gets it)
    const record = [
      ...studio,
      ratiosSet(1, EVEN),
      captured(1, 1010),
      allocated(1, 1010, 'wang'),
      accepted(1, 1011, 'wang'),
      captured(2, 1020),
      allocated(2, 1020, 'chen'),
      captured(3, 1030),
      allocated(3, 1030, 'li'),
      declined(3, 1031, 'li'),
      allocated(3, 1031, 'wang'),
      captured(4, 1040),
      allocated(4, 1040, 'li'),
      captured(5, 1050),
      allocated(5, 1050, 'chen'),
      timedOut(5, 1111, 'chen'),
      allocated(5, 1111, 'li'),
    ];
    const replay = replayPool(record, { from: FROM, ratios: EVEN });
    const recorded = recordedHistory(record);
    expect(holders(replay)).toEqual(holders(recorded));
    expect(replay.bookings.map((b) => b.at)).toEqual(recorded.bookings.map((b) => b.at));
    expect(replay.skippedResponses).toBe(0);
    expect(leadOutcome(replay, { from: FROM, to: TO })).toEqual(leadOutcome(recorded, { from: FROM, to: TO }));
  });

  it('takes back every allocation that ran out in one run before allocating again, as the live allocator does', () => {
    // the live run (LeadAllocator.runDue) at minute 1100: chen's lead 2 and li's lead 3 ran out; both go back
    // (counts wang 1, chen 0, li 0) and only then are handed out, oldest first, 1:1:1 with k = 3 (q = 4):
    // lead 2 (not chen): n = 1, due is 4 * (2 * 1 - c * 3) >= 3: wang 4 * (2 - 3) < 3, li 4 * 2 = 8: li;
    // lead 3 (not li): n = 2: wang 4 * (3 - 3) = 0 < 3, chen 4 * 3 = 12: chen.
    // (allocating right after the first return would give lead 2 to wang: n = 2, nobody due, wang first listed)
    const record = [
      ...studio,
      ratiosSet(1, EVEN),
      captured(1, 1010),
      allocated(1, 1010, 'wang'),
      accepted(1, 1011, 'wang'),
      captured(2, 1020),
      allocated(2, 1020, 'chen'),
      captured(3, 1030),
      allocated(3, 1030, 'li'),
      timedOut(2, 1100, 'chen'),
      timedOut(3, 1100, 'li'),
      allocated(2, 1100, 'li'),
      allocated(3, 1100, 'chen'),
    ];
    const replay = replayPool(record, { from: FROM, ratios: EVEN });
    expect(holders(replay)).toEqual(['+1:wang', '+2:chen', '+3:li', '-2:chen', '-3:li', '+2:li', '+3:chen']);
    expect(holders(replay)).toEqual(holders(recordedHistory(record)));
    expect(replay.skippedResponses).toBe(0);
  });

  it('offers a lead every member declined again once the proposal names someone else', () => {
    // 1:1 of wang and chen; lead 1 declined by both before from: it waits; from from, 1:1:1 with li: li gets it
    const two = EVEN.slice(0, 2);
    const record = [
      ...studio,
      ratiosSet(1, two),
      captured(1, 10),
      allocated(1, 10, 'wang'),
      declined(1, 11, 'wang'),
      allocated(1, 11, 'chen'),
      declined(1, 12, 'chen'),
      captured(2, 20),
      allocated(2, 20, 'wang'),
      captured(3, 1010),
      allocated(3, 1010, 'chen'),
    ];
    const replay = replayPool(record, { from: FROM, ratios: EVEN });
    // from from: a new version from 0; lead 1 (not wang, not chen) to li; lead 3: n = 1, wang and chen due, wang listed first
    expect(holders(replay)).toEqual(['+1:wang', '-1:wang', '+1:chen', '-1:chen', '+2:wang', '+1:li', '+3:wang']);
  });

  it('lets whoever holds the lead in the replay respond at the recorded time', () => {
    // recorded under 1:1:1: lead 1 to wang who declines it; replayed under 2:1:1 lead 1 also goes to wang,
    // lead 2 to chen who declines it in the record; in the replay lead 2 is chen's too. Lead 3: li in the
    // record declines; in the replay lead 3 goes to li too. Then the 2:1:1 deviation: lead 4 to wang (record: wang)
    const record = [
      ...studio,
      ratiosSet(1, EVEN),
      captured(1, 1010),
      allocated(1, 1010, 'wang'),
      captured(2, 1020),
      allocated(2, 1020, 'chen'),
      captured(3, 1030),
      allocated(3, 1030, 'li'),
      captured(4, 1040),
      allocated(4, 1040, 'wang'),
      captured(5, 1050),
      allocated(5, 1050, 'chen'),
      // in the replay lead 5 is wang's (2:1:1 gives wang, chen, li, wang, wang): wang declines it then
      declined(5, 1051, 'chen'),
      allocated(5, 1051, 'li'),
    ];
    const replay = replayPool(record, { from: FROM, ratios: TWO_ONE_ONE });
    // 2:1:1 from 0: wang, chen, li, wang, wang; wang declines lead 5: back to (2,1,1) of 4, and lead 5 goes
    // to chen or li, not wang: deficits of n + 1 = 5: chen 5/4 - 1, li 5/4 - 1, both due: chen (first listed)
    expect(holders(replay)).toEqual(['+1:wang', '+2:chen', '+3:li', '+4:wang', '+5:wang', '-5:wang', '+5:chen']);
    expect(replay.leads.get(leadId(5))?.state.declinedBy).toEqual(['wang']);
  });

  it('skips a recorded response the replayed lead cannot take, and counts it', () => {
    // nobody on duty in the replay's ratios from from: a recorded accept finds the lead pooled
    const record = [...studio, ratiosSet(1, EVEN), offDuty('wang', 900), captured(1, 1010), allocated(1, 1010, 'chen'), accepted(1, 1012, 'chen')];
    const replay = replayPool(record, { from: FROM, ratios: [{ memberId: 'wang', weight: 1 }] });
    expect(replay.bookings).toEqual([]);
    expect(replay.skippedResponses).toBe(1);
    const outcome = leadOutcome(replay, { from: FROM, to: TO });
    expect(outcome).toMatchObject({ captured: 1, allocated: 0, waiting: 1 });
  });

  it('hands out what waits when a member comes on duty, and skips the off-duty and contractors', () => {
    const record = [
      registered('wang'),
      registered('chen'),
      registered('sub', 0, 'contractor'),
      onDuty('wang'),
      onDuty('sub'),
      ratiosSet(1, [{ memberId: 'chen', weight: 1 }]),
      captured(1, 1010),
      captured(2, 1020),
      onDuty('chen', 1100),
    ];
    const replay = replayPool(record, {
      from: FROM,
      ratios: [
        { memberId: 'chen', weight: 1 },
        { memberId: 'sub', weight: 5 },
      ],
    });
    expect(holders(replay)).toEqual(['+1:chen', '+2:chen']);
    expect(replay.bookings.map((b) => b.at)).toEqual([at(1100), at(1100)]);
  });

  it('replaces ratios set during the period by the proposal, keeping their minutes to accept', () => {
    const record = [...studio, ratiosSet(1, EVEN), ratiosSet(2, [{ memberId: 'li', weight: 1 }], 1005, 5), captured(1, 1010), accepted(1, 1020, 'li')];
    const replay = replayPool(record, { from: FROM, ratios: [{ memberId: 'chen', weight: 1 }] });
    expect(holders(replay)).toEqual(['+1:chen']);
    // 5 minutes to accept (version 2's): the accept 10 minutes later is too late in the replay
    expect(replay.leads.get(leadId(1))?.state.status).toBe('allocated');
    expect(replay.skippedResponses).toBe(1);
  });

  it('places roster events before the events they caused, else by time, keeping their order', () => {
    const own = [captured(1, 10), captured(2, 20), allocated(1, 25, 'chen'), captured(3, 30)].map((input, i) => ({ input, causationId: i === 2 ? 'duty-1' : null }));
    const roster = [
      { id: 'reg', input: registered('chen', 15) as RecordedInput & { source: 'roster' } },
      { id: 'duty-1', input: onDuty('chen', 16) as RecordedInput & { source: 'roster' } },
    ];
    const merged = mergeRecord(own, roster);
    expect(merged.map((i) => `${i.source}@${(i.at.getTime() - T0.getTime()) / 60_000}`)).toEqual(['lead@10', 'roster@15', 'lead@20', 'roster@25', 'lead@25', 'lead@30']);
    expect([...rosterAfter(merged).values()]).toEqual([{ memberId: 'chen', role: 'agent', onDuty: true }]);
  });
});

describe('the outcome of a period', () => {
  it('counts the period leads: received, exact share under the ratios of each allocation, worst deviation at the end and at any prefix', () => {
    // before from: lead 1 (not counted). In the period: leads 2-5 under 1:1:1, li declines lead 3 and wang gets it
    const record = [
      ...studio,
      ratiosSet(1, EVEN),
      captured(1, 10),
      allocated(1, 10, 'wang'),
      captured(2, 1010, 'chen'),
      allocated(2, 1010, 'chen'),
      captured(3, 1020, 'chen'),
      allocated(3, 1020, 'li'),
      declined(3, 1021, 'li'),
      allocated(3, 1021, 'wang'),
      captured(4, 1030, 'li'),
      allocated(4, 1030, 'li'),
      captured(5, 1040, 'li'),
    ];
    const outcome = leadOutcome(recordedHistory(record), { from: FROM, to: TO });
    // period bookings: +2 chen, +3 li, -3 li, +3 wang, +4 li: 3 leads held; lead 5 waits (nobody allocated it in this record)
    // exact share 3 × 1/3 = 1 each; received chen 1, li 1, wang 1: deviation 0 at the end
    // prefixes (net n, share n/3): +2 chen: chen 1 - 1/3 = 0.67; +3 li: wang 0 - 2/3 = -0.67; -3 li: chen 1 - 1/3 = 0.67;
    // +3 wang: li 0 - 2/3 = -0.67; +4 li: all 1 - 1 = 0; worst 0.67
    expect(outcome).toEqual({
      captured: 4,
      allocated: 3,
      waiting: 1,
      members: [
        { memberId: 'chen', weight: 1, contributed: 2, received: 1, exactShare: 1, deviation: 0 },
        { memberId: 'li', weight: 1, contributed: 2, received: 1, exactShare: 1, deviation: 0 },
        { memberId: 'wang', weight: 1, contributed: 0, received: 1, exactShare: 1, deviation: 0 },
      ],
      largestDeviation: 0,
      largestDeviationAtAnyPrefix: 0.67,
    });
  });
});
