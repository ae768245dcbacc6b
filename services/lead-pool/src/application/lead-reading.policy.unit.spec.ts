import { LeadEvent } from '@support/contracts';
import { foldEvents } from '@support/decider';
import { clearPersonalValues } from '@support/test-kit';
import { leadDecider } from '../domain';
import { LeadView } from '../persistence/lead-pool.repository';
import { leadSeenBy } from './lead-reading.policy';

const leadId = '6a1f2b3c-4d5e-4f60-8a7b-9c0d1e2f3a01';
const events: LeadEvent[] = [
  {
    type: 'support.lead.captured.v1',
    data: {
      leadId,
      source: { memberId: 'agent-wang', platform: 'douyin', account: '@studio' },
      customerHandle: '直播小白兔',
      contact: { phone: '+86 139 1234 5678', wechat: 'wx_bunny88' },
      via: 'rest',
    },
  },
  { type: 'support.lead.allocated.v1', data: { leadId, memberId: 'agent-wang', policyVersion: 1, acceptBy: '2031-03-02T01:30:00.000Z' } },
  { type: 'support.lead.accepted.v1', data: { leadId, memberId: 'agent-wang' } },
  {
    type: 'support.lead.converted.v1',
    data: {
      leadId,
      memberId: 'agent-wang',
      customer: { name: '王女士', phone: '+86 138 0013 8000', wechat: 'wx_wang12' },
      deviceModel: 'OBS 推流主机',
      problem: '推流卡顿',
      urgency: 'normal',
    },
  },
];
// the lead as the API answers it: the folded state in JSON, with its version
const lead: LeadView = { ...JSON.parse(JSON.stringify(foldEvents(leadDecider, events))), version: 4 };

describe('what a role reads of a lead', () => {
  it("shows an analyst the handle, contact and converted customer masked, and none of its events' personal values", () => {
    const seen = leadSeenBy('analyst', lead);
    expect(seen).toEqual({
      ...lead,
      customerHandle: '****',
      contact: { phone: '+86 139 ****5678', wechat: 'wx****88' },
      ticketCause: { ...lead.ticketCause, customer: { name: '王*', phone: '+86 138 ****8000', wechat: 'wx****12' } },
    });
    for (const clear of clearPersonalValues(events)) expect([clear, JSON.stringify(seen).includes(clear)]).toEqual([clear, false]);
  });

  it('gives every other reader the lead as it is', () => {
    for (const role of ['lead', 'senior', 'agent', 'service'] as const) expect(leadSeenBy(role, lead)).toBe(lead);
  });
});
