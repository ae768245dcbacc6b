import { timelineSeenBy } from './customer-timeline.view';

describe("a customer's timeline by reader", () => {
  const received = { eventId: 'e-1', type: 'support.ticket.received.v1', data: { ticketId: 't-1', customer: { name: '王女士', phone: '+86 138 0013 8000', wechat: 'wx_wang12' }, problem: '蓝屏' } };
  const contacted = { eventId: 'e-2', type: 'support.ticket.contacted.v1', data: { ticketId: 't-1', channel: 'phone' } };

  it('masks the personal data the catalogue marks for an analyst, and nothing else', () => {
    expect(timelineSeenBy('analyst', [received, contacted])).toEqual([
      { ...received, data: { ticketId: 't-1', customer: { name: '王*', phone: '+86 138 ****8000', wechat: 'wx****12' }, problem: '蓝屏' } },
      contacted,
    ]);
  });

  it('gives every other reader the timeline as it is', () => {
    for (const role of ['lead', 'senior', 'agent', 'service'] as const) expect(timelineSeenBy(role, [received])).toEqual([received]);
  });
});
