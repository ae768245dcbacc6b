import { BadRequestException } from '@nestjs/common';
import { AS_OF_HEADER, AS_OF_PAST_RULE, AS_OF_POSITION_HEADER, AS_OF_RULE, asOfRequest, markAsOf, readAsOf } from './as-of';

const NOW = new Date('2026-03-03T04:00:00.000Z');

describe('asOf', () => {
  it('is the present when the query has none', () => {
    expect(readAsOf(undefined, NOW)).toEqual({ ok: true });
    expect(asOfRequest(undefined, NOW)).toBeUndefined();
  });

  it('reads an instant with Z or a numeric offset, to the minute, second or fraction', () => {
    expect(readAsOf('2026-03-03T02:00:00Z', NOW)).toEqual({ ok: true, at: new Date('2026-03-03T02:00:00.000Z') });
    expect(readAsOf('2026-03-03T10:00:00+08:00', NOW)).toEqual({ ok: true, at: new Date('2026-03-03T02:00:00.000Z') });
    expect(readAsOf('2026-03-03T10:00+0800', NOW)).toEqual({ ok: true, at: new Date('2026-03-03T02:00:00.000Z') });
    expect(readAsOf('2026-03-02T22:59:59.123-05:00', NOW)).toEqual({ ok: true, at: new Date('2026-03-03T03:59:59.123Z') });
  });

  it('takes a space for the offset plus sign (an unencoded + in a query string)', () => {
    expect(readAsOf('2026-03-03T10:00:00 08:00', NOW)).toEqual({ ok: true, at: new Date('2026-03-03T02:00:00.000Z') });
  });

  it('refuses what is not an instant with an offset, naming asOf and the rule', () => {
    for (const bad of [
      '2026-03-03T10:00:00',
      '2026-03-03',
      'yesterday',
      '1741000000000',
      '2026-02-30T10:00:00Z',
      '2026-03-03T24:00:00Z',
      '2026-03-03 10:00:00Z',
      '',
      ['2026-03-03T02:00:00Z'],
    ]) {
      expect([bad, readAsOf(bad, NOW)]).toEqual([bad, { ok: false, problem: AS_OF_RULE }]);
    }
  });

  it('refuses an instant after now, saying when now is; now itself is the past', () => {
    expect(readAsOf('2026-03-03T04:00:00.001Z', NOW)).toEqual({ ok: false, problem: `${AS_OF_PAST_RULE} (now is 2026-03-03T04:00:00.000Z)` });
    expect(readAsOf('2026-03-03T04:00:00Z', NOW)).toEqual({ ok: true, at: NOW });
  });

  it("answers 400 with the route's own problems and asOf's together", () => {
    expect(() => asOfRequest('soon', NOW, ['status must be one of: at-risk, breached'])).toThrow(BadRequestException);
    try {
      asOfRequest('soon', NOW, ['status must be one of: at-risk, breached']);
    } catch (error) {
      expect((error as BadRequestException).getResponse()).toMatchObject({ message: ['status must be one of: at-risk, breached', AS_OF_RULE] });
    }
  });

  it('marks the answer with the instant in UTC and the last position, leaving the position out when there is none', () => {
    const headers = new Map<string, string>();
    const reply = { header: (name: string, value: string) => (headers.set(name, value), reply) } as never;
    markAsOf(reply, { at: new Date('2026-03-03T10:00:00+08:00'), position: 7 });
    expect(Object.fromEntries(headers)).toEqual({ [AS_OF_HEADER]: '2026-03-03T02:00:00.000Z', [AS_OF_POSITION_HEADER]: '7' });
    headers.clear();
    markAsOf(reply, { at: NOW });
    expect(Object.fromEntries(headers)).toEqual({ [AS_OF_HEADER]: NOW.toISOString() });
  });
});
