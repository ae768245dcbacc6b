import { BadRequestException } from '@nestjs/common';
import { cursorShape, decodeCursor, encodeCursor } from './cursor-codec';
import { CURSOR_RULE, LIMIT_RULE, pageFrom, pageOf, pageRequest, readPageQuery } from './pagination';

const TICKETS = cursorShape({ receivedAt: 'time', ticketId: 'uuid' });
const VISITS = cursorShape({ appointmentAt: 'time?', visitId: 'uuid' });
const KEY = { receivedAt: '2026-03-01T08:00:00.000Z', ticketId: '0b9a8f8e-7d6c-4b5a-9e8f-7a6b5c4d3e2f' };

describe('cursor codec', () => {
  it('round-trips a sort key through an opaque base64url text', () => {
    const cursor = encodeCursor(KEY);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, TICKETS)).toEqual(KEY);
  });

  it('takes null where the shape lets a field be null', () => {
    const key = { appointmentAt: null, visitId: KEY.ticketId };
    expect(decodeCursor(encodeCursor(key), VISITS)).toEqual(key);
    expect(decodeCursor(encodeCursor({ ...KEY, ticketId: null }), TICKETS)).toBeNull();
  });

  it.each([
    ['not base64url', 'not a cursor!'],
    ['not JSON', Buffer.from('{receivedAt').toString('base64url')],
    ['an array', encodeCursor([KEY.receivedAt, KEY.ticketId])],
    ['a field missing', encodeCursor({ receivedAt: KEY.receivedAt })],
    ['a field too many', encodeCursor({ ...KEY, extra: 1 })],
    ['a 31 February', encodeCursor({ ...KEY, receivedAt: '2026-02-31T08:00:00.000Z' })],
    ['a time not as toISOString writes it', encodeCursor({ ...KEY, receivedAt: '2026-03-01T08:00:00Z' })],
    ['not a UUID', encodeCursor({ ...KEY, ticketId: 'abc' })],
    ['empty', ''],
    ['far too long', 'A'.repeat(5000)],
  ])('refuses a cursor that is %s', (_what, cursor) => {
    expect(decodeCursor(cursor, TICKETS)).toBeNull();
  });

  it('checks integers, numbers, booleans and int8 decimal strings', () => {
    const shape = cursorShape({ position: 'integer', rank: 'number', urgent: 'boolean', seq: 'bigint' });
    const key = { position: 3, rank: 1.25, urgent: true, seq: '9007199254740993' };
    expect(decodeCursor(encodeCursor(key), shape)).toEqual(key);
    expect(decodeCursor(encodeCursor({ ...key, position: 1.5 }), shape)).toBeNull();
    expect(decodeCursor(encodeCursor({ ...key, urgent: 'yes' }), shape)).toBeNull();
    expect(decodeCursor(encodeCursor({ ...key, seq: 12 }), shape)).toBeNull();
  });
});

describe('page query', () => {
  it('defaults to 50 items from the start', () => {
    expect(readPageQuery({}, TICKETS)).toEqual({ ok: true, request: { limit: 50 } });
  });

  it('takes a limit from 1 to 200 and a cursor of the list', () => {
    expect(readPageQuery({ limit: '1', cursor: encodeCursor(KEY) }, TICKETS)).toEqual({ ok: true, request: { limit: 1, after: KEY } });
    expect(readPageQuery({ limit: '200' }, TICKETS)).toEqual({ ok: true, request: { limit: 200 } });
  });

  it.each([['0'], ['201'], ['abc'], ['1.5'], [''], ['-1'], [['1', '2']]])('refuses limit=%j naming the field and the rule', (limit) => {
    expect(readPageQuery({ limit }, TICKETS)).toEqual({ ok: false, problems: [LIMIT_RULE] });
  });

  it('refuses a cursor that does not fit, naming the field', () => {
    expect(readPageQuery({ cursor: 'garbage' }, TICKETS)).toEqual({ ok: false, problems: [CURSOR_RULE] });
    expect(readPageQuery({ cursor: ['a', 'b'] }, TICKETS)).toEqual({ ok: false, problems: [CURSOR_RULE] });
  });

  it('throws a 400 listing the route’s own problems with those of limit and cursor', () => {
    const thrown = (() => {
      try {
        pageRequest({ limit: '0', cursor: 'x' }, TICKETS, ['state must be one of: received']);
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(BadRequestException);
    expect((thrown as BadRequestException).getResponse()).toMatchObject({ statusCode: 400, message: ['state must be one of: received', LIMIT_RULE, CURSOR_RULE] });
    expect(() => pageRequest({ limit: '2' }, TICKETS, ['state must be one of: received'])).toThrow(BadRequestException);
    expect(pageRequest({ limit: '2' }, TICKETS)).toEqual({ limit: 2 });
  });
});

describe('pageOf', () => {
  const keyOf = (n: number) => ({ n });

  it('shows limit items and a cursor at the last one when another row was read', () => {
    const page = pageOf([1, 2, 3], { limit: 2 }, keyOf);
    expect(page.items).toEqual([1, 2]);
    expect(decodeCursor(page.nextCursor!, cursorShape({ n: 'integer' }))).toEqual({ n: 2 });
  });

  it('ends with no cursor when the rows fit: a full last page asks for no empty extra page', () => {
    expect(pageOf([1, 2], { limit: 2 }, keyOf)).toEqual({ items: [1, 2], nextCursor: null });
    expect(pageOf([], { limit: 2 }, keyOf)).toEqual({ items: [], nextCursor: null });
  });
});

describe('pageFrom', () => {
  const rows = [1, 2, 3, 4, 5].map((n) => ({ n }));
  const isAfter = (row: { n: number }, after: { n: number }) => row.n > after.n;
  const keyOf = (row: { n: number }) => ({ n: row.n });
  it('pages a sorted list held in memory from the cursor on, as pageOf does', () => {
    const first = pageFrom(rows, { limit: 2 }, isAfter, keyOf);
    expect(first.items).toEqual([{ n: 1 }, { n: 2 }]);
    expect(first.nextCursor).toBe(encodeCursor({ n: 2 }));
    const last = pageFrom(rows, { limit: 2, after: { n: 4 } }, isAfter, keyOf);
    expect(last).toEqual({ items: [{ n: 5 }], nextCursor: null });
    expect(pageFrom(rows, { limit: 2, after: { n: 5 } }, isAfter, keyOf)).toEqual({ items: [], nextCursor: null });
  });
});
