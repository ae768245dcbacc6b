import { SCENARIO_ID_PATTERN } from '@support/contracts';
import { optional, validDate } from '@support/decider';

// the deciders' value checks come from the decider library; these are the knowledge base's own
export { blank, invalid, isBlank, notUuid, oneOf, optional, text, validDate, without } from '@support/decider';

/** as the scenario schema: a slug of at most this many characters */
export const MAX_SCENARIO_ID = 100;
const SCENARIO_ID = new RegExp(SCENARIO_ID_PATTERN);

/** A catalogue id: a lower-case slug such as `printer-driver-reinstall`. */
export function notScenarioId(value: unknown, field: string): string | undefined {
  return typeof value === 'string' && SCENARIO_ID.test(value) && value.length <= MAX_SCENARIO_ID
    ? undefined
    : `${field} must be a lower-case slug (a-z, 0-9, single hyphens) of at most ${MAX_SCENARIO_ID} characters`;
}

export function atProblem(at: unknown): string | undefined {
  return validDate(at) ? undefined : 'at must be a valid date';
}

/** Who wrote or reviewed something, as the events carry it (the name only when known). */
export interface Member {
  readonly id: string;
  readonly role: string;
  readonly name?: string;
}

export function memberOf(actor: { id: string; role: string; name?: string }): Member {
  return { id: actor.id, role: actor.role, ...optional('name', actor.name) };
}

/** the members who write and review standard solutions (DOMAIN.md: the lead and seniors own SOPs) */
export function isLeadOrSenior(actor: { role: string }): boolean {
  return actor.role === 'lead' || actor.role === 'senior';
}

/** "a lead", "an agent": the actor's role with its article, for messages */
export function aRole(actor: { role: string }): string {
  return `${/^[aeiou]/.test(actor.role) ? 'an' : 'a'} ${actor.role}`;
}
