import { applyDecorators, BadRequestException, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

// Time travel (`?asOf=<instant>`): a read answers what the record said at an instant, folded from the
// events recorded up to and including it. Every such answer is marked with the instant and the last event
// it includes, in headers, so the body keeps the shape the present answer has (a ticket, a history array,
// a page). The past only: an instant after now would be a guess at events not recorded yet, so it is a 400.

/** Metadata key of {@link AsOfRead}: the route answers `?asOf=`; OpenAPI lists the marking headers. */
export const AS_OF_READ_KEY = 'support:as-of-read';

/** The instant the answer is folded up to (ISO 8601, UTC). */
export const AS_OF_HEADER = 'As-Of';
/** The position of the last event the answer includes (each service says what its positions are); absent when it includes none. */
export const AS_OF_POSITION_HEADER = 'As-Of-Position';

export const AS_OF_RULE = 'asOf must be an ISO 8601 instant with an offset, e.g. 2026-03-03T10:00:00+08:00 or 2026-03-03T02:00:00Z';
export const AS_OF_PAST_RULE = 'asOf must not be in the future';

// date, time to the minute at least, an offset (Z or ±hh:mm / ±hhmm); a `+` sent unencoded in a query
// string arrives as a space, so a space stands for it in the offset's place only
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+\- ]\d{2}:?\d{2})$/;

/** What an answer as of an instant includes: the instant, and the last event folded in (none: no event yet). */
export interface AsOfMark {
  at: Date;
  position?: string | number;
}

/** `asOf` as the query string brought it, not yet checked: hand it to {@link asOfRequest}. */
export type RawAsOf = unknown;

/**
 * The instant of `asOf` when it is an ISO 8601 instant with an offset, not after `now`; undefined when
 * the query has none (the present); else the problem, naming the field and the rule.
 */
export function readAsOf(raw: RawAsOf, now: Date): { ok: true; at?: Date } | { ok: false; problem: string } {
  if (raw === undefined) return { ok: true };
  const at = typeof raw === 'string' ? instantOf(raw) : undefined;
  if (!at) return { ok: false, problem: AS_OF_RULE };
  if (at.getTime() > now.getTime()) return { ok: false, problem: `${AS_OF_PAST_RULE} (now is ${now.toISOString()})` };
  return { ok: true, at };
}

/** The instant asked for (undefined: now); a 400 naming every bad field otherwise, the route's own `problems` with asOf's. */
export function asOfRequest(raw: RawAsOf, now: Date, problems: readonly string[] = []): Date | undefined {
  const read = readAsOf(raw, now);
  const all = [...problems, ...(read.ok ? [] : [read.problem])];
  if (!read.ok || all.length > 0) throw new BadRequestException(all);
  return read.at;
}

/** asOf's problem, if any, for a 400 that lists it with the route's others (e.g. `pageRequest`'s). */
export function asOfProblems(raw: RawAsOf, now: Date): string[] {
  const read = readAsOf(raw, now);
  return read.ok ? [] : [read.problem];
}

/** The route's `asOf` query parameter, unchecked: hand it to {@link asOfRequest}. */
export const AsOfQuery = createParamDecorator((_data: unknown, context: ExecutionContext): RawAsOf => {
  return context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>().query?.asOf;
});

/**
 * A read that answers `?asOf=<instant>`: documents the parameter, what `position` the route's
 * As-Of-Position names, and (through the kit's OpenAPI completion) the marking headers.
 */
export const AsOfRead = (what: string, position: string) =>
  applyDecorators(
    SetMetadata(AS_OF_READ_KEY, true),
    ApiQuery({
      name: 'asOf',
      required: false,
      schema: { type: 'string', format: 'date-time', example: '2026-03-03T10:00:00+08:00' },
      description: `${what} as of this instant (ISO 8601 with an offset; not in the future), folded from the events recorded up to and including it; the answer says so in ${AS_OF_HEADER} and ${AS_OF_POSITION_HEADER} (here: ${position}). Left out: now`,
    }),
  );

/** Marks an answer as of an instant (see {@link AS_OF_HEADER}, {@link AS_OF_POSITION_HEADER}). */
export function markAsOf(reply: Pick<FastifyReply, 'header'>, mark: AsOfMark): void {
  reply.header(AS_OF_HEADER, mark.at.toISOString());
  if (mark.position !== undefined) reply.header(AS_OF_POSITION_HEADER, String(mark.position));
}

/** The instant an ISO 8601 date-time with an offset names (the calendar date must exist as written); undefined otherwise. */
export function instantOf(value: string): Date | undefined {
  const match = INSTANT.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '0'] = match;
  // Date.parse would roll 2026-02-30 over into March: the calendar date must exist as written
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  const offset = match[7].replace(/^ /, '+');
  const at = new Date(value.slice(0, value.length - match[7].length) + (offset === 'Z' ? 'Z' : `${offset.slice(0, 3)}:${offset.slice(-2)}`));
  return Number.isNaN(at.getTime()) ? undefined : at;
}
