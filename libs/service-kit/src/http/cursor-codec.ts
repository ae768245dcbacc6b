import { notUuid } from '@support/decider';

// API.md "lists": a cursor is opaque to the caller. Inside it is the last item's sort key as JSON,
// base64url-encoded; each list declares the key's shape, so a cursor that does not fit it is the
// caller's mistake (400), never a 500 from the database.

/** How one field of a sort key is checked: `?` lets it be null (a column sorted NULLS LAST). */
export type CursorFieldKind = 'time' | 'uuid' | 'text' | 'integer' | 'number' | 'boolean' | 'bigint';
export type CursorField = CursorFieldKind | `${CursorFieldKind}?`;

type ValueOf<F extends string> = F extends `${infer Kind}?` ? ValueOf<Kind> | null : F extends 'integer' | 'number' ? number : F extends 'boolean' ? boolean : string;

/** The sort key a shape describes, e.g. `{ receivedAt: string; ticketId: string }`. */
export type CursorKey<S extends Record<string, CursorField>> = { [F in keyof S]: ValueOf<S[F]> };

/** A list's sort key: its fields in order, and the check a decoded cursor must pass. */
export interface CursorShape<K> {
  readonly fields: Readonly<Record<string, CursorField>>;
  fits(value: unknown): value is K;
}

/** The sort key of a declared shape: `SortKey<typeof TICKET_CURSOR>`. */
export type SortKey<S> = S extends CursorShape<infer K> ? K : never;

// a cursor carries a handful of fields: anything much longer is not one of ours
const MAX_CURSOR_LENGTH = 2048;
const MAX_TEXT_LENGTH = 500;

/**
 * Declares a list's sort key, e.g. `cursorShape({ receivedAt: 'time', ticketId: 'uuid' })`:
 * `time` is an instant as `Date.toISOString` writes it, `bigint` a decimal string (an int8 column).
 */
export function cursorShape<const S extends Record<string, CursorField>>(fields: S): CursorShape<CursorKey<S>> {
  const names = Object.keys(fields);
  return {
    fields,
    fits(value: unknown): value is CursorKey<S> {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      const record = value as Record<string, unknown>;
      const sameNames = Object.keys(record).length === names.length && names.every((name) => name in record);
      return sameNames && names.every((name) => fieldFits(fields[name], record[name]));
    },
  };
}

/** The opaque cursor for a sort key. */
export function encodeCursor(key: object): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The sort key inside a cursor, or null when it does not decode or does not fit the shape. */
export function decodeCursor<K>(text: string, shape: CursorShape<K>): K | null {
  if (text.length === 0 || text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    return shape.fits(key) ? key : null;
  } catch {
    return null;
  }
}

function fieldFits(field: CursorField, value: unknown): boolean {
  if (field.endsWith('?')) return value === null || fieldFits(field.slice(0, -1) as CursorFieldKind, value);
  switch (field as CursorFieldKind) {
    case 'time':
      return isIsoTime(value);
    case 'uuid':
      return typeof value === 'string' && notUuid(value, 'cursor') === undefined;
    case 'text':
      return typeof value === 'string' && value.length <= MAX_TEXT_LENGTH;
    case 'integer':
      return Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'bigint':
      return typeof value === 'string' && /^-?\d{1,19}$/.test(value);
  }
}

// the cursors a list hands out carry times exactly as toISOString writes them: a 31 February is not one
function isIsoTime(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const time = new Date(value);
  return !Number.isNaN(time.getTime()) && time.toISOString() === value;
}
