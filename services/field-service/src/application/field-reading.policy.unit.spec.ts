import { SheetEvent, VisitEvent } from '@support/contracts';
import { foldEvents } from '@support/decider';
import { clearPersonalValues } from '@support/test-kit';
import { sheetDecider, visitDecider } from '../domain';
import { SheetView, VisitView } from '../persistence/field-views.repository';
import { sheetSeenBy, visitSeenBy } from './field-reading.policy';

const ref = { visitId: '7c1d9e4a-3b2f-4e8d-8c5a-6f0e1d2c3b02', ticketId: '0b7f3c2e-5d7a-4c1e-9a61-2f4d8e6b1a01' };
const window = { start: '2031-03-02T01:30:00.000Z', end: '2031-03-02T03:00:00.000Z' };
const booking = { technician: { id: 'agent-wang', role: 'agent' as const }, window, appointmentAt: window.start };
const signature = { signerName: '王女士', mediaType: 'image/png' as const, sha256: 'c0ffee'.padEnd(64, '0'), imageBase64: 'iVBORw0KGgo=' };
const visitEvents: VisitEvent[] = [
  { type: 'support.visit.requested.v1', data: { ...ref, reason: '远程无法解决' } },
  { type: 'support.visit.scheduled.v1', data: { ...ref, ...booking, address: '上海市徐汇区漕溪北路 1 号' } },
  { type: 'support.visit.rescheduled.v1', data: { ...ref, ...booking, address: '上海市静安区南京西路 2 号', reason: '客户改地址' } },
  { type: 'support.visit.checked-in.v1', data: { ...ref, arrivedAt: window.start, location: { latitude: 31.19, longitude: 121.43 } } },
  { type: 'support.visit.completed.v1', data: { ...ref, completedAt: window.end, workDone: '更换电池仓', customerTested: true, usageNotes: '避免潮湿' } },
  { type: 'support.visit.signed.v1', data: { ...ref, signedAt: window.end, signature } },
];
const sheetRef = { sheetId: 'e4a2b6c8-1d3f-4a5b-9c7d-8e0f1a2b3c03', ticketId: ref.ticketId, visitId: ref.visitId };
const contents = {
  customer: { name: '王女士', contact: '+86 138 0013 8000' },
  device: 'Canon EOS R5',
  problem: '无法开机',
  diagnosis: '触点氧化',
  workDone: '清洁触点',
  partsUsed: [],
  timeSpentMinutes: 50,
  result: 'fixed' as const,
};
const sheetEvents: SheetEvent[] = [
  { type: 'support.sheet.drafted.v1', data: { ...sheetRef, kind: 'on-site', author: { id: 'agent-wang', role: 'agent' }, contents } },
  {
    type: 'support.sheet.submitted.v1',
    data: { ...sheetRef, kind: 'on-site', contents, submittedAt: window.end, customerSignature: { signerName: '王女士', sha256: signature.sha256, signedAt: window.end } },
  },
];

// a view as the API answers it: the folded state in JSON, with its version
const viewOf = <View>(state: unknown): View => ({ ...JSON.parse(JSON.stringify(state)), version: 7 });
const visit = viewOf<VisitView>(foldEvents(visitDecider, visitEvents));
const sheet = viewOf<SheetView>(foldEvents(sheetDecider, sheetEvents));

describe('what a role reads of visits and sheets', () => {
  it("shows an analyst a visit's address, site and signer masked, and none of its events' personal values", () => {
    const seen = visitSeenBy('analyst', visit);
    expect(seen).toEqual({ ...visit, address: '****', location: '****', signature: { ...visit.signature, signerName: '王*' } });
    for (const clear of clearPersonalValues(visitEvents)) expect([clear, JSON.stringify(seen).includes(clear)]).toEqual([clear, false]);
  });

  it("shows an analyst a sheet's customer and signer masked, and none of its events' personal values", () => {
    const seen = sheetSeenBy('analyst', sheet);
    expect(seen.contents.customer).toEqual({ name: '王*', contact: '****' });
    expect(seen.customerSignature?.signerName).toBe('王*');
    expect({ ...seen, contents: { ...seen.contents, customer: contents.customer }, customerSignature: sheet.customerSignature }).toEqual(sheet);
    for (const clear of clearPersonalValues(sheetEvents)) expect([clear, JSON.stringify(seen).includes(clear)]).toEqual([clear, false]);
  });

  it('gives every other reader the views as they are', () => {
    for (const role of ['lead', 'senior', 'agent', 'contractor', 'service'] as const) {
      expect(visitSeenBy(role, visit)).toBe(visit);
      expect(sheetSeenBy(role, sheet)).toBe(sheet);
    }
  });
});
