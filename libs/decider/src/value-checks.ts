import { reject } from './decider';

// value checks for deciders: each returns a problem message naming the field and the rule, or
// undefined, so that checks chain with `??`; the decider turns the first into an `invalid-command`

export const invalid = (reason: string) => reject('invalid-command', reason);

export const isBlank = (value: unknown): boolean => typeof value !== 'string' || value.trim() === '';

export function blank(value: unknown, field: string): string | undefined {
  return isBlank(value) ? `${field} must not be empty` : undefined;
}

export function oneOf(value: unknown, allowed: readonly string[], field: string): string | undefined {
  return typeof value === 'string' && allowed.includes(value) ? undefined : `${field} must be one of ${allowed.join(', ')}`;
}

// the event schemas say `format: uuid`: an id that is not one would make an event the catalogue refuses
const UUID = /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

export function notUuid(value: unknown, field: string): string | undefined {
  return typeof value === 'string' && UUID.test(value) ? undefined : `${field} must be a UUID`;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function notSha256(value: unknown, field: string): string | undefined {
  return typeof value === 'string' && SHA256.test(value) ? undefined : `${field} must be 64 lowercase hex digits (a sha256)`;
}

/** Non-blank and at most `max` characters (the schemas' maxLength). */
export function text(value: unknown, field: string, max: number): string | undefined {
  return blank(value, field) ?? ((value as string).length > max ? `${field} must be at most ${max} characters` : undefined);
}

/** A list of non-blank names, at most `max` of them (the schemas' maxItems). */
export function names(values: unknown, field: string, max = 100): string | undefined {
  if (!Array.isArray(values)) return `${field} must be a list`;
  if (values.length > max) return `${field} must have at most ${max} entries`;
  return values.some((value) => isBlank(value)) ? `${field} must not contain empty entries` : undefined;
}

export function validDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** `{ [key]: value }` when value is given, `{}` otherwise: optional fields stay absent, never `undefined`. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

/** A copy of `value` without `keys`: cleared fields are absent, not `undefined`. */
export function without<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
}
