// the catalogue names fields by RFC 6901 JSON pointers into an event's data; these read and rewrite
// them without touching the original. Pointers walk object fields only: no catalogue pointer enters an array.

/** `/customer/phone` -> `['customer', 'phone']` (with `~1` and `~0` unescaped) */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** the value a pointer names, or undefined when nothing is there */
export function valueAt(data: unknown, pointer: string): unknown {
  let current = data;
  for (const segment of pointerSegments(pointer)) {
    if (!hasField(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

/**
 * A copy of `data` with the value at `pointer` replaced by `update(value)`; only the objects on the
 * way are copied. Where nothing is at the pointer, `data` comes back as it was.
 */
export function updateAt(data: unknown, pointer: string, update: (value: unknown) => unknown): unknown {
  return rewrite(data, pointerSegments(pointer), (record, key) => ({ ...record, [key]: update(record[key]) }));
}

/** A copy of `data` without the field at `pointer` (as it was where there is none). */
export function removeAt(data: unknown, pointer: string): unknown {
  return rewrite(data, pointerSegments(pointer), (record, key) => {
    const { [key]: _, ...rest } = record;
    return rest;
  });
}

type Record_ = Record<string, unknown>;

function rewrite(data: unknown, segments: string[], atLast: (record: Record_, key: string) => Record_): unknown {
  const [key, ...rest] = segments;
  if (key === undefined || !hasField(data, key)) return data;
  if (rest.length === 0) return atLast(data, key);
  const inner = rewrite(data[key], rest, atLast);
  return inner === data[key] ? data : { ...data, [key]: inner };
}

function hasField(value: unknown, key: string): value is Record_ {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, key);
}
