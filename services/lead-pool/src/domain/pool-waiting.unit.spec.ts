import { LeadRatio } from '@support/contracts';
import { eligibleMembers, offDutyMembers, PoolMember, poolWaiting, ratiosWarnings, waitingReason } from './pool-waiting';

const RATIOS: LeadRatio[] = [
  { memberId: 'agent-wang', weight: 2 },
  { memberId: 'agent-liu', weight: 2 },
  { memberId: 'senior-li', weight: 1 },
];
const roster = (onDuty: string[]): PoolMember[] => [
  ...RATIOS.map((r) => ({ memberId: r.memberId, role: r.memberId.startsWith('senior') ? 'senior' : 'agent', onDuty: onDuty.includes(r.memberId) })),
  { memberId: 'contractor-chen', role: 'contractor', onDuty: true },
];
const NOBODY = roster([]);
const EVERYONE = roster(['agent-wang', 'agent-liu', 'senior-li']);
const pooled = (declinedBy: string[] = []) => ({ status: 'pooled', declinedBy });

describe('why pooled leads wait', () => {
  it('says nothing for a lead that is not pooled', () => {
    for (const status of ['allocated', 'accepted', 'converted', 'lost']) expect(waitingReason({ status, declinedBy: [] }, RATIOS, NOBODY)).toBeUndefined();
  });

  it('names no ratios before the lead sets them', () => {
    expect(waitingReason(pooled(), undefined, EVERYONE)?.code).toBe('no-ratios');
    expect(waitingReason(pooled(), [{ memberId: 'agent-wang', weight: 0 }], EVERYONE)?.code).toBe('no-ratios');
  });

  it('names every member in the ratios off duty, listing them', () => {
    expect(waitingReason(pooled(), RATIOS, NOBODY)).toEqual({
      code: 'no-member-on-duty',
      message: 'no member in the ratios is on duty: it is allocated as soon as one of agent-wang, agent-liu, senior-li comes on duty',
    });
  });

  it('tells a lead every member declined from one every member on duty declined', () => {
    expect(waitingReason(pooled(['agent-wang', 'agent-liu', 'senior-li']), RATIOS, EVERYONE)?.code).toBe('declined-by-every-member');
    expect(waitingReason(pooled(['agent-wang', 'agent-liu']), RATIOS, roster(['agent-wang', 'agent-liu']))).toEqual({
      code: 'declined-by-every-member-on-duty',
      message: 'every member on duty declined it or let it time out: it is allocated as soon as senior-li comes on duty',
    });
  });

  it('says the allocator will hand it out while someone eligible is on duty', () => {
    expect(waitingReason(pooled(['agent-wang']), RATIOS, roster(['agent-wang', 'senior-li']))?.code).toBe('awaiting-allocation');
  });
});

describe('ratios naming members off duty', () => {
  it('names the members off duty and warns that every lead would wait when all are', () => {
    expect(offDutyMembers(RATIOS, NOBODY)).toEqual(['agent-wang', 'agent-liu', 'senior-li']);
    expect(ratiosWarnings(RATIOS, NOBODY)).toEqual([
      'every member in the ratios is off duty (agent-wang, agent-liu, senior-li): captured leads wait in the pool until one of them comes on duty',
    ]);
  });

  it('names those off duty when others can take leads meanwhile', () => {
    const some = roster(['agent-wang']);
    expect(offDutyMembers(RATIOS, some)).toEqual(['agent-liu', 'senior-li']);
    expect(ratiosWarnings(RATIOS, some)).toEqual(['agent-liu, senior-li are off duty: leads go to the others until then, and are caught up to their share once on duty']);
    expect(ratiosWarnings(RATIOS, roster(['agent-wang', 'agent-liu']))).toEqual([
      'senior-li is off duty: leads go to the others until then, and are caught up to their share once on duty',
    ]);
  });

  it('has nothing to say when every member is on duty', () => {
    expect(offDutyMembers(RATIOS, EVERYONE)).toEqual([]);
    expect(ratiosWarnings(RATIOS, EVERYONE)).toEqual([]);
  });

  it('never counts a contractor or an unknown member as eligible', () => {
    const ratios = [...RATIOS, { memberId: 'contractor-chen', weight: 1 }, { memberId: 'stranger', weight: 1 }];
    expect(eligibleMembers(ratios, roster(['senior-li']))).toEqual(['senior-li']);
  });
});

describe("the pool's wait", () => {
  it('is how many wait and since when the oldest has, in whole seconds', () => {
    const since = new Date('2026-11-23T02:00:00.000Z');
    expect(poolWaiting(3, since, new Date('2026-11-23T03:30:05.900Z'))).toEqual({ waiting: 3, oldestWaitingSince: '2026-11-23T02:00:00.000Z', longestWaitSeconds: 5405 });
    expect(poolWaiting(0, null, since)).toEqual({ waiting: 0, oldestWaitingSince: null, longestWaitSeconds: 0 });
  });
});
