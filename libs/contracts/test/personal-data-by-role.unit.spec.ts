import { eventCatalogue, eventsSeenBy, leadCaptured, leadConverted, personalDataOfEvents, personalDataSeenBy, ROLES, sheetEvents } from '@support/contracts';

describe('personal data as each role reads it', () => {
  const visit = { visitId: 'v-1', address: '上海市徐汇区漕溪北路 1 号', signature: { signerName: '王女士', sha256: 'a' }, version: 7 };
  const pointers = ['/address', '/signature/signerName', '/signature/imageBase64'];

  it('masks a read model for an analyst only, in a copy; every other role reads the same object', () => {
    expect(personalDataSeenBy('analyst', visit, pointers)).toEqual({ visitId: 'v-1', address: '****', signature: { signerName: '王*', sha256: 'a' }, version: 7 });
    expect(visit.address).toBe('上海市徐汇区漕溪北路 1 号');
    for (const role of ROLES.filter((r) => r !== 'analyst')) expect([role, personalDataSeenBy(role, visit, pointers)]).toEqual([role, visit]);
    expect(personalDataSeenBy('lead', visit, pointers)).toBe(visit);
  });

  it("masks recorded events by each one's catalogue entry for an analyst, and leaves them alone for anyone else", () => {
    const history = [
      { seq: 1, type: 'support.visit.requested.v1', data: { visitId: 'v-1', ticketId: 't-1', reason: '远程无法解决' } },
      { seq: 2, type: 'support.visit.scheduled.v1', data: { visitId: 'v-1', ticketId: 't-1', address: '上海市徐汇区' } },
    ];
    expect(eventsSeenBy('analyst', eventCatalogue, history)).toEqual([
      history[0],
      { seq: 2, type: 'support.visit.scheduled.v1', data: { visitId: 'v-1', ticketId: 't-1', address: '****' } },
    ]);
    expect(eventsSeenBy('senior', eventCatalogue, history)).toBe(history);
  });

  it('names where a read model keeps the personal data of the events it folds: each pointer once, under a prefix where it nests them', () => {
    expect(personalDataOfEvents(sheetEvents)).toEqual(['/contents/customer/name', '/contents/customer/contact', '/customerSignature/signerName']);
    expect(personalDataOfEvents([leadCaptured])).toEqual(['/customerHandle', '/contact/phone', '/contact/wechat']);
    expect(personalDataOfEvents([leadConverted], '/ticketCause')).toEqual(['/ticketCause/customer/name', '/ticketCause/customer/phone', '/ticketCause/customer/wechat']);
  });
});
