import { BadRequestException } from '@nestjs/common';
import { CursorShape, decodeCursor, encodeCursor } from './cursor-codec';

// API.md "lists": every list pages by cursor (`limit`, `cursor` -> `{ items, nextCursor }`), never a
// silent cut. A list reads `limit + 1` rows after the cursor's key (keyset: WHERE (key, id) > cursor
// ORDER BY key, id): the extra row only says whether there is a next page.

/** One page of a list; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** `limit` and `cursor` as the query string brought them, not yet checked. */
export interface RawPageQuery {
  limit?: unknown;
  cursor?: unknown;
}

/** A checked page query: how many items, and the sort key to start after (none: the first page). */
export interface PageRequest<K> {
  limit: number;
  after?: K;
}

export const PAGE_LIMIT = { min: 1, max: 200, default: 50 } as const;

export const LIMIT_RULE = `limit must be an integer from ${PAGE_LIMIT.min} to ${PAGE_LIMIT.max}`;
export const CURSOR_RULE = 'cursor must be a nextCursor this list returned';

/** The page asked for, or every problem with `limit` and `cursor`, each naming its field. */
export function readPageQuery<K>(query: RawPageQuery, shape: CursorShape<K>): { ok: true; request: PageRequest<K> } | { ok: false; problems: string[] } {
  const limit = limitOf(query.limit);
  const after = query.cursor === undefined ? undefined : typeof query.cursor === 'string' ? decodeCursor(query.cursor, shape) : null;
  const problems = [...(limit === null ? [LIMIT_RULE] : []), ...(after === null ? [CURSOR_RULE] : [])];
  if (limit === null || after === null) return { ok: false, problems };
  return { ok: true, request: after === undefined ? { limit } : { limit, after } };
}

/**
 * The page asked for; a 400 naming every bad field otherwise, the route's own `problems`
 * (its filters) with those of `limit` and `cursor`, so one answer lists them all.
 */
export function pageRequest<K>(query: RawPageQuery, shape: CursorShape<K>, problems: readonly string[] = []): PageRequest<K> {
  const read = readPageQuery(query, shape);
  const all = [...problems, ...(read.ok ? [] : read.problems)];
  if (!read.ok || all.length > 0) throw new BadRequestException(all);
  return read.request;
}

/** How many rows to read for a page: one more than it shows, to know whether another follows. */
export function rowsToRead(request: PageRequest<unknown>): number {
  return request.limit + 1;
}

/** The page of `rows` read with {@link rowsToRead}: the cursor is the last shown item's key, none after the last page. */
export function pageOf<T, K extends object>(rows: readonly T[], request: PageRequest<unknown>, keyOf: (row: T) => K): Page<T> {
  const items = rows.slice(0, request.limit);
  const more = rows.length > request.limit;
  return { items, nextCursor: more ? encodeCursor(keyOf(items[items.length - 1])) : null };
}

/**
 * A page of a list held in memory, already in the list's order (a fold's result rather than a query's):
 * the rows after the cursor's key, `limit` of them, with the next cursor as {@link pageOf} gives it.
 */
export function pageFrom<T, K extends object>(sorted: readonly T[], request: PageRequest<K>, isAfter: (row: T, after: K) => boolean, keyOf: (row: T) => K): Page<T> {
  const after = request.after;
  const start = after === undefined ? 0 : sorted.findIndex((row) => isAfter(row, after));
  return pageOf(start < 0 ? [] : sorted.slice(start, start + rowsToRead(request)), request, keyOf);
}

/** The same page with each item changed (what a reader may see of it); the cursor stays. */
export async function mapPage<T, U>(page: Page<T>, change: (items: T[]) => U[] | Promise<U[]>): Promise<Page<U>> {
  return { items: await change(page.items), nextCursor: page.nextCursor };
}

/**
 * Every item of a list, read page after page: for the few answers that show a bounded list whole
 * (a technician's day), with the same scope and order as the paged list.
 */
export async function readEveryPage<T, K>(readPage: (request: PageRequest<K>) => Promise<Page<T>>, shape: CursorShape<K>): Promise<T[]> {
  const items: T[] = [];
  for (let request: PageRequest<K> | undefined = { limit: PAGE_LIMIT.max }; request;) {
    const page = await readPage(request);
    items.push(...page.items);
    const after = page.nextCursor === null ? null : decodeCursor(page.nextCursor, shape);
    request = after === null ? undefined : { limit: PAGE_LIMIT.max, after };
  }
  return items;
}

function limitOf(value: unknown): number | null {
  if (value === undefined) return PAGE_LIMIT.default;
  if (typeof value !== 'string' || !/^\d{1,4}$/.test(value)) return null;
  const limit = Number(value);
  return limit >= PAGE_LIMIT.min && limit <= PAGE_LIMIT.max ? limit : null;
}
