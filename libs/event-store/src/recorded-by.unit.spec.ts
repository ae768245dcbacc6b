import { recordedBy } from './recorded-by';

const event = (version: number, occurredAt: string) => ({ version, occurredAt: new Date(occurredAt) });

describe('recordedBy', () => {
  const stream = [event(1, '2026-03-03T02:00:00Z'), event(2, '2026-03-03T02:10:00Z'), event(3, '2026-03-03T02:20:00Z')];

  it('keeps the events up to and including the instant', () => {
    expect(recordedBy(stream, new Date('2026-03-03T02:10:00Z'))).toEqual(stream.slice(0, 2));
    expect(recordedBy(stream, new Date('2026-03-03T02:19:59.999Z'))).toEqual(stream.slice(0, 2));
    expect(recordedBy(stream, new Date('2026-03-03T03:00:00Z'))).toEqual(stream);
  });

  it('is empty before the first event', () => {
    expect(recordedBy(stream, new Date('2026-03-03T01:59:59.999Z'))).toEqual([]);
    expect(recordedBy([], new Date('2026-03-03T01:00:00Z'))).toEqual([]);
  });

  it('stops at the first event after the instant, even when a later one says it happened earlier', () => {
    const skewed = [event(1, '2026-03-03T02:00:00Z'), event(2, '2026-03-03T02:30:00Z'), event(3, '2026-03-03T02:05:00Z')];
    expect(recordedBy(skewed, new Date('2026-03-03T02:10:00Z'))).toEqual(skewed.slice(0, 1));
  });

  it('stops at a gap in the versions (a read that already left an event out)', () => {
    const gapped = [event(1, '2026-03-03T02:00:00Z'), event(3, '2026-03-03T02:05:00Z')];
    expect(recordedBy(gapped, new Date('2026-03-03T02:10:00Z'))).toEqual(gapped.slice(0, 1));
    expect(recordedBy([event(2, '2026-03-03T02:00:00Z')], new Date('2026-03-03T02:10:00Z'))).toEqual([]);
  });
});
