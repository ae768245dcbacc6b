import { BadRequestException, Param, ParseIntPipe, ParseUUIDPipe } from '@nestjs/common';
import { notUuid } from '@support/decider';

// path and query parameters answer bad input like the body validation does: 400 with `message` naming the field

/** A path parameter that must be a UUID (default `:id`). */
export const UuidParam = (name = 'id') => Param(name, new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException([`${name} must be a UUID`]) }));

/** A path parameter that must be an integer, handed over as a number. */
export const IntParam = (name: string) => Param(name, new ParseIntPipe({ exceptionFactory: () => new BadRequestException([`${name} must be an integer`]) }));

/** An optional query parameter that must be a UUID when given: its problem, if any, for the 400's `message`. */
export function uuidQueryProblems(value: string | undefined, name: string): string[] {
  const problem = value === undefined ? undefined : notUuid(value, name);
  return problem ? [problem] : [];
}
