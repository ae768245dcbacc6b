import { LeadEvent, RosterEvent } from '@support/contracts';
import { Observed } from './board-rows';
import { LeadRow, leadPoolWaiting, leadRowAfter, MemberRow, memberRowAfter } from './team-rows';

const leadId = '00000000-0000-4000-8000-00000000000a';
const lead = (type: string, data: object, time: string) => ({ type, data: { leadId, ...data }, time }) as Observed<LeadEvent>;
const foldLead = (events: Array<Observed<LeadEvent>>) => events.reduce<LeadRow | undefined>((row, event) => leadRowAfter(row, event), undefined);
const source = { memberId: 'm-a', platform: 'douyin', account: '@a' };
const captured = lead('support.lead.captured.v1', { source, customerHandle: 'h', contact: { wechat: 'w' }, via: 'rest' }, 't0');
const allocated = (memberId: string, time: string) => lead('support.lead.allocated.v1', { memberId, policyVersion: 1, acceptBy: time }, time);
const returned = (memberId: string, time: string, why = 'timed-out') => lead('support.lead.returned.v1', { memberId, why }, time);

describe('lead rows', () => {
  it('waits in the pool from its capture until it is allocated', () => {
    expect(foldLead([captured])).toEqual({ leadId, status: 'pooled', pooledSince: 't0', changedAt: 't0' });
    expect(foldLead([captured, allocated('m-b', 't1')])).toEqual({ leadId, status: 'allocated', pooledSince: null, changedAt: 't1' });
  });

  it('goes back to the pool when declined or timed out, waiting from then', () => {
    expect(foldLead([captured, allocated('m-b', 't1'), returned('m-b', 't2')])).toEqual({ leadId, status: 'pooled', pooledSince: 't2', changedAt: 't2' });
    expect(foldLead([captured, allocated('m-b', 't1'), returned('m-b', 't2', 'declined'), allocated('m-c', 't3')])).toMatchObject({ status: 'allocated', pooledSince: null });
  });

  it('leaves the pool for good when accepted, converted or lost', () => {
    const accepted = foldLead([captured, allocated('m-b', 't1'), lead('support.lead.accepted.v1', { memberId: 'm-b' }, 't2')]);
    expect(accepted).toMatchObject({ status: 'accepted', pooledSince: null });
    const converted = leadRowAfter(
      accepted,
      lead('support.lead.converted.v1', { memberId: 'm-b', customer: { name: 'N' }, deviceModel: 'd', problem: 'p', urgency: 'normal' }, 't3'),
    );
    expect(converted).toMatchObject({ status: 'converted', pooledSince: null, changedAt: 't3' });
    expect(foldLead([captured, lead('support.lead.lost.v1', { reason: 'no answer' }, 't1')])).toMatchObject({ status: 'lost', pooledSince: null });
    expect(foldLead([captured, lead('support.lead.erased.v1', { reason: 'asked to be forgotten' }, 't1')])).toMatchObject({ status: 'erased', pooledSince: null, changedAt: 't1' });
  });

  it('keeps the row for events that do not move the lead, and keeps the wait on a second delivery of the capture', () => {
    const row = foldLead([captured]);
    expect(leadRowAfter(row, lead('support.lead.duplicate-captured.v1', { source }, 't5'))).toBe(row);
    expect(leadRowAfter(row, lead('support.lead.hoarding-flagged.v1', { ticketId: leadId, memberId: 'm-a', leadStatus: 'pooled' }, 't5'))).toBe(row);
    expect(leadRowAfter(row, { ...captured, time: 't9' })).toBe(row);
  });

  it('starts from what it sees when the capture came before the projection did', () => {
    expect(foldLead([returned('m-b', 't7')])).toEqual({ leadId, status: 'pooled', pooledSince: 't7', changedAt: 't7' });
    expect(foldLead([lead('support.lead.hoarding-flagged.v1', { ticketId: leadId, memberId: 'm-a', leadStatus: 'pooled' }, 't5')])).toBeUndefined();
  });
});

describe("the pool's waiting leads", () => {
  const now = new Date('2031-03-06T05:10:00Z');

  it('says how many wait and how long the oldest has, in whole seconds', () => {
    expect(leadPoolWaiting(3, '2031-03-03T01:00:00.500Z', now)).toEqual({
      at: now.toISOString(),
      waiting: 3,
      oldestWaitingSince: '2031-03-03T01:00:00.500Z',
      longestWaitSeconds: 3 * 86400 + 4 * 3600 + 9 * 60 + 59,
    });
  });

  it('has no wait with nobody waiting, and none below zero for a lead stamped after now', () => {
    expect(leadPoolWaiting(0, null, now)).toEqual({ at: now.toISOString(), waiting: 0, oldestWaitingSince: null, longestWaitSeconds: null });
    expect(leadPoolWaiting(1, '2031-03-06T05:11:00Z', now).longestWaitSeconds).toBe(0);
  });
});

const member = (type: string, data: object, time: string) => ({ type, data, time }) as Observed<RosterEvent>;
const foldMember = (events: Array<Observed<RosterEvent>>) => events.reduce<MemberRow | undefined>((row, event) => memberRowAfter(row, event), undefined);
const profile = { tier: 'L1', skills: [], scenarios: [], capacity: 5 };

describe('member rows', () => {
  it('names a member from their registration, then from their latest profile', () => {
    const registered = member('support.member.registered.v1', { memberId: 'm-zhang', role: 'agent', name: '张伟', ...profile }, 't0');
    expect(foldMember([registered])).toEqual({ memberId: 'm-zhang', name: '张伟', role: 'agent', changedAt: 't0' });
    expect(foldMember([registered, member('support.member.profile-changed.v1', { memberId: 'm-zhang', name: '张伟 (L2)', ...profile }, 't1')])).toEqual({
      memberId: 'm-zhang',
      name: '张伟 (L2)',
      role: 'agent',
      changedAt: 't1',
    });
  });

  it('keeps the row when going on or off duty, and names a member whose registration it never saw', () => {
    const row = foldMember([member('support.member.profile-changed.v1', { memberId: 'm-li', name: '李娜', ...profile }, 't1')]);
    expect(row).toEqual({ memberId: 'm-li', name: '李娜', role: null, changedAt: 't1' });
    expect(memberRowAfter(row, member('support.member.went-on-duty.v1', { memberId: 'm-li' }, 't2'))).toBe(row);
    expect(memberRowAfter(undefined, member('support.member.went-off-duty.v1', { memberId: 'm-li' }, 't2'))).toBeUndefined();
  });
});
