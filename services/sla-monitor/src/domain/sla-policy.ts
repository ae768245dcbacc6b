import {
  ticketAssigned,
  ticketCancelled,
  ticketClosed,
  ticketContacted,
  ticketDispatchedToContractor,
  ticketOnSiteScheduled,
  ticketQuoteAccepted,
  ticketQuoted,
  ticketQuoteDeclined,
  ticketReceived,
  ticketResolved,
  Urgency,
  URGENCIES,
  caseAnalysisClosed,
  caseAnalysisOpened,
  deepFreeze,
  sheetSubmitted,
  visitCancelled,
  visitCompleted,
  visitPrepared,
  visitScheduled,
} from '@support/contracts';
import { addMinutes, BusinessCalendar, DEFAULT_WORKING_DAY_MINUTES, minutesBetween } from './business-calendar';
import { BreachAction, SLA_SUBJECTS, SlaSubject, SlaSubjectType, TIME_BASES, TimeBasis } from '@support/contracts';

// SLA rules as data: "event A starts a clock, B stops it (met), C pauses, D resumes, within N minutes of
// calendar or working time, warn at W%". The defaults are DOMAIN.md's numbers; a lead edits them.

/** Matches events of one type whose data fields equal the given values (dotted paths reach into objects). */
export interface EventMatcher {
  type: string;
  where?: Readonly<Record<string, string | number | boolean | null>>;
  /**
   * A date-time field of the event's data that says when it really happened (e.g. `requestedAt`,
   * `contactedAt`); default, or when the field is missing or later than the event: when the event occurred.
   */
  timeField?: string;
}

/** A target that depends on the ticket's urgency. */
export interface UrgencyTargets {
  urgent: number;
  normal: number;
}

/** Due at a time carried by the start event plus an offset, e.g. 60 minutes before `appointmentAt`. */
export interface SlaDeadline {
  /** a date-time field of the start event's data */
  field: string;
  /** minutes in the rule's time basis; negative = before that time */
  offsetMinutes: number;
}

export const BREACH_POLICIES = ['escalate-if-urgent'] as const;
export type BreachPolicy = (typeof BREACH_POLICIES)[number];

interface SlaRuleBase {
  /** lower-case words joined by hyphens, e.g. first-contact; part of every clock id */
  id: string;
  name: string;
  subject: SlaSubjectType;
  /** any of these starts the clock (once per subject) */
  start: readonly EventMatcher[];
  /** any of these meets it */
  stop: readonly EventMatcher[];
  pause?: readonly EventMatcher[];
  resume?: readonly EventMatcher[];
  /** any of these ends it without a verdict; events without the subject's id cancel by their ticketId */
  cancel?: readonly EventMatcher[];
  timeBasis: TimeBasis;
  /** share of the target after which the clock warns, 1-99 */
  warnAtPercent: number;
  onBreach?: readonly BreachPolicy[];
}

/** Due `targetMinutes` after the start (in the rule's time basis). */
export interface DurationSlaRule extends SlaRuleBase {
  targetMinutes: number | UrgencyTargets;
  deadline?: undefined;
}

/** Due at a time named by the start event, e.g. one hour before the appointment. */
export interface DeadlineSlaRule extends SlaRuleBase {
  deadline: SlaDeadline;
  targetMinutes?: undefined;
}

export type SlaRule = DurationSlaRule | DeadlineSlaRule;

/** The data field that holds the id of each kind of subject. */
export const SUBJECT_ID_FIELDS: Readonly<Record<SlaSubjectType, string>> = {
  ticket: 'ticketId',
  visit: 'visitId',
  sheet: 'sheetId',
  analysis: 'analysisId',
};

export const DEFAULT_WARN_AT_PERCENT = 80;
export const MAX_TARGET_MINUTES = 366 * 24 * 60;

const on = (type: string, fields: Omit<EventMatcher, 'type'> = {}): EventMatcher => ({ type, ...fields });

/** A ticket that is cancelled or closed needs no more hand-over, contact or remote attempt. */
const TICKET_ENDED = [on(ticketCancelled.type), on(ticketClosed.type)];
/** A visit (or its ticket) cancelled needs no preparation and no sheet. */
const VISIT_ENDED = [on(visitCancelled.type), on(ticketCancelled.type)];

/** DOMAIN.md's deadlines, one rule each. */
export const DEFAULT_SLA_RULES: readonly SlaRule[] = deepFreeze<SlaRule[]>([
  {
    id: 'hand-over',
    name: "Hand-over to the support team within 15 minutes of the customer's request",
    subject: 'ticket',
    // measured from when the customer asked, not from when the desk typed it in
    start: [on(ticketReceived.type, { timeField: 'requestedAt' })],
    stop: [on(ticketAssigned.type), on(ticketDispatchedToContractor.type)],
    cancel: TICKET_ENDED,
    targetMinutes: 15,
    timeBasis: 'calendar',
    warnAtPercent: DEFAULT_WARN_AT_PERCENT,
  },
  {
    id: 'first-contact',
    name: 'First contact within 30 minutes (urgent) or 1 hour (normal) of assignment',
    subject: 'ticket',
    start: [on(ticketAssigned.type), on(ticketDispatchedToContractor.type)],
    stop: [on(ticketContacted.type, { timeField: 'contactedAt' })],
    cancel: TICKET_ENDED,
    targetMinutes: { urgent: 30, normal: 60 },
    timeBasis: 'calendar',
    warnAtPercent: DEFAULT_WARN_AT_PERCENT,
    onBreach: ['escalate-if-urgent'],
  },
  {
    id: 'remote-attempt',
    name: 'Remote attempt: fixed or an on-site visit booked within 30 minutes',
    subject: 'ticket',
    start: [on(ticketContacted.type, { timeField: 'contactedAt' })],
    stop: [on(ticketResolved.type, { where: { remote: true } }), on(ticketOnSiteScheduled.type)],
    // the customer weighing a quote is not remote work
    pause: [on(ticketQuoted.type)],
    resume: [on(ticketQuoteAccepted.type), on(ticketQuoteDeclined.type)],
    cancel: TICKET_ENDED,
    targetMinutes: 30,
    timeBasis: 'calendar',
    warnAtPercent: DEFAULT_WARN_AT_PERCENT,
  },
  {
    id: 'remote-fix-sheet',
    name: 'Service sheet within 10 minutes of a remote fix',
    subject: 'ticket',
    start: [on(ticketResolved.type, { where: { remote: true } })],
    stop: [on(sheetSubmitted.type)],
    // closing the ticket does not write the sheet: only a cancelled ticket owes none
    cancel: [on(ticketCancelled.type)],
    targetMinutes: 10,
    timeBasis: 'calendar',
    warnAtPercent: DEFAULT_WARN_AT_PERCENT,
  },
  {
    id: 'on-site-sheet',
    name: 'Service sheet submitted within 2 hours of the end of an on-site service',
    subject: 'visit',
    start: [on(visitCompleted.type)],
    stop: [on(sheetSubmitted.type)],
    cancel: VISIT_ENDED,
    targetMinutes: 120,
    timeBasis: 'calendar',
    warnAtPercent: DEFAULT_WARN_AT_PERCENT,
  },
  {
    id: 'on-site-preparation',
    name: 'On-site preparation (address, device state, tools, spare parts) confirmed 1 hour before the appointment',
    subject: 'visit',
    // intake's ticket event and field-service's visit event both announce the booking: the first one starts it
    start: [on(ticketOnSiteScheduled.type), on(visitScheduled.type)],
    stop: [on(visitPrepared.type)],
    cancel: VISIT_ENDED,
    deadline: { field: 'appointmentAt', offsetMinutes: -60 },
    timeBasis: 'calendar',
    warnAtPercent: DEFAULT_WARN_AT_PERCENT,
  },
  {
    id: 'case-analysis',
    name: 'Case analysis within 3 working days',
    subject: 'analysis',
    start: [on(caseAnalysisOpened.type)],
    stop: [on(caseAnalysisClosed.type)],
    // 3 working days of the default calendar (09:00-18:00): a clock opened Monday 10:00 is due Thursday 10:00
    targetMinutes: 3 * DEFAULT_WORKING_DAY_MINUTES,
    timeBasis: 'working',
    warnAtPercent: DEFAULT_WARN_AT_PERCENT,
  },
]);

// ---------------------------------------------------------------------------------------------------------
// reading events

/** What the policy reads of an incoming event (its envelope time and its data). */
export interface IncomingEvent {
  type: string;
  data: unknown;
  occurredAt: Date | string;
}

/** The value at a dotted path of an event's data. */
export function fieldOf(data: unknown, path: string): unknown {
  let value: unknown = data;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function matches(matcher: EventMatcher, event: Pick<IncomingEvent, 'type' | 'data'>): boolean {
  if (matcher.type !== event.type) return false;
  return Object.entries(matcher.where ?? {}).every(([path, expected]) => fieldOf(event.data, path) === expected);
}

/** The first matcher of a list that matches the event. */
export function firstMatch(matchers: readonly EventMatcher[] | undefined, event: Pick<IncomingEvent, 'type' | 'data'>): EventMatcher | undefined {
  return (matchers ?? []).find((matcher) => matches(matcher, event));
}

/** When the matched event happened: its `timeField`, unless missing, invalid or after the event itself. */
export function eventTime(matcher: EventMatcher, event: IncomingEvent): Date {
  const occurredAt = dateOf(event.occurredAt);
  if (!occurredAt) throw new Error(`event ${event.type} has no valid occurredAt`);
  const stated = matcher.timeField ? dateOf(fieldOf(event.data, matcher.timeField)) : undefined;
  return stated && stated.getTime() < occurredAt.getTime() ? stated : occurredAt;
}

/** The id of the rule's subject in an event's data (e.g. its visitId), if it has one. */
export function subjectIdOf(subject: SlaSubjectType, data: unknown): string | undefined {
  const id = fieldOf(data, SUBJECT_ID_FIELDS[subject]);
  return typeof id === 'string' && id.trim() !== '' ? id : undefined;
}

/** One clock per subject and rule: its id, also its stream and Kafka key. */
export function clockIdOf(ruleId: string, subject: SlaSubject): string {
  return `${subject.type}:${subject.id}:${ruleId}`;
}

// ---------------------------------------------------------------------------------------------------------
// a clock's terms

/** The target in minutes; without a known urgency the stricter (smaller) one, so nothing is missed. */
export function targetFor(rule: DurationSlaRule, urgency?: Urgency): number {
  const target = rule.targetMinutes;
  if (typeof target === 'number') return target;
  return urgency ? target[urgency] : Math.min(target.urgent, target.normal);
}

export interface ClockTerms {
  startedAt: Date;
  dueAt: Date;
  warnAt: Date;
  /** for deadline rules: the time from start to due (0 when the deadline had passed at the start) */
  targetMinutes: number;
  urgency?: Urgency;
  breachAction?: BreachAction;
}

/**
 * When a clock of `rule` that starts at `startedAt` is due and warns. Deadline rules read their anchor
 * (e.g. `appointmentAt`) from the start event's data: without it there are no terms (undefined). A deadline
 * that has already passed at the start gives a clock that breaches at once (and warns at the due time).
 * `escalate-if-urgent` becomes the breach action only for a known urgent ticket.
 */
export function clockTermsFor(rule: SlaRule, start: { startedAt: Date; data: unknown; urgency?: Urgency; ticketId?: string }, calendar: BusinessCalendar): ClockTerms | undefined {
  const { startedAt, urgency } = start;
  let dueAt: Date;
  let targetMinutes: number;
  if (rule.deadline) {
    const anchor = dateOf(fieldOf(start.data, rule.deadline.field));
    if (!anchor) return undefined;
    dueAt = addMinutes(rule.timeBasis, calendar, anchor, rule.deadline.offsetMinutes);
    targetMinutes = Math.max(0, minutesBetween(rule.timeBasis, calendar, startedAt, dueAt));
  } else {
    targetMinutes = targetFor(rule, urgency);
    dueAt = addMinutes(rule.timeBasis, calendar, startedAt, targetMinutes);
  }
  const warnAfter = addMinutes(rule.timeBasis, calendar, startedAt, (targetMinutes * rule.warnAtPercent) / 100);
  const warnAt = warnAfter.getTime() <= dueAt.getTime() ? warnAfter : dueAt;
  const escalate = rule.onBreach?.includes('escalate-if-urgent') && urgency === 'urgent' && start.ticketId !== undefined;
  return { startedAt, dueAt, warnAt, targetMinutes, ...(urgency ? { urgency } : {}), ...(escalate ? { breachAction: 'escalate' as const } : {}) };
}

// ---------------------------------------------------------------------------------------------------------
// validation (for the lead's policy CRUD)

export type RuleValidation = { ok: true; rule: SlaRule } | { ok: false; errors: string[] };
export type PolicyValidation = { ok: true; rules: SlaRule[] } | { ok: false; errors: string[] };

const RULE_ID_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const EVENT_TYPE_PATTERN = /^support\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v[1-9]\d*$/;
const FIELD_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const RULE_FIELDS = ['id', 'name', 'subject', 'start', 'stop', 'pause', 'resume', 'cancel', 'targetMinutes', 'deadline', 'timeBasis', 'warnAtPercent', 'onBreach'];
const MATCHER_LISTS = ['start', 'stop', 'pause', 'resume', 'cancel'] as const;

/**
 * Checks a rule (e.g. from a lead's REST request); each error names its field (`stop[1].where.remote`,
 * `targetMinutes.urgent`). On success the rule as stored: `warnAtPercent` defaults to 80.
 */
export function validateSlaRule(input: unknown): RuleValidation {
  if (!isObject(input)) return { ok: false, errors: ['rule must be an object'] };
  const errors: string[] = [];
  for (const key of Object.keys(input)) if (!RULE_FIELDS.includes(key)) errors.push(`${key} is not a rule field`);

  if (typeof input.id !== 'string' || input.id.length > 64 || !RULE_ID_PATTERN.test(input.id)) {
    errors.push('id must be lower-case words joined by hyphens, at most 64 characters (e.g. first-contact)');
  }
  if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 200) errors.push('name must be a text of 1 to 200 characters');
  if (!(SLA_SUBJECTS as readonly unknown[]).includes(input.subject)) errors.push(`subject must be one of ${SLA_SUBJECTS.join(', ')}`);
  if (!(TIME_BASES as readonly unknown[]).includes(input.timeBasis)) errors.push(`timeBasis must be one of ${TIME_BASES.join(', ')}`);

  const lists: Partial<Record<(typeof MATCHER_LISTS)[number], EventMatcher[]>> = {};
  for (const list of MATCHER_LISTS) {
    const required = list === 'start' || list === 'stop';
    if (input[list] === undefined && !required) continue;
    lists[list] = checkMatchers(input[list], list, required, errors);
  }
  if ((input.pause === undefined) !== (input.resume === undefined)) errors.push('pause and resume go together: give both or neither');
  checkOverlaps(lists, errors);

  const hasTarget = input.targetMinutes !== undefined;
  const hasDeadline = input.deadline !== undefined;
  if (hasTarget === hasDeadline) errors.push('give either targetMinutes (a duration) or deadline (a time in the start event), exactly one');
  if (hasTarget) checkTarget(input.targetMinutes, errors);
  if (hasDeadline) checkDeadline(input.deadline, errors);

  const warnAtPercent = input.warnAtPercent ?? DEFAULT_WARN_AT_PERCENT;
  if (!isIntegerIn(warnAtPercent, 1, 99)) errors.push('warnAtPercent must be a whole percentage from 1 to 99');

  if (input.onBreach !== undefined) {
    if (!Array.isArray(input.onBreach)) errors.push(`onBreach must be a list of ${BREACH_POLICIES.join(', ')}`);
    else {
      input.onBreach.forEach((policy, index) => {
        if (!(BREACH_POLICIES as readonly unknown[]).includes(policy)) errors.push(`onBreach[${index}] must be one of ${BREACH_POLICIES.join(', ')}`);
        else if (input.onBreach !== undefined && (input.onBreach as unknown[]).indexOf(policy) !== index) errors.push(`onBreach[${index}] repeats ${policy}`);
      });
    }
  }

  if (errors.length > 0) return { ok: false, errors };
  const rule = {
    id: input.id,
    name: (input.name as string).trim(),
    subject: input.subject,
    start: lists.start,
    stop: lists.stop,
    ...(lists.pause ? { pause: lists.pause } : {}),
    ...(lists.resume ? { resume: lists.resume } : {}),
    ...(lists.cancel ? { cancel: lists.cancel } : {}),
    ...(hasTarget ? { targetMinutes: input.targetMinutes } : { deadline: input.deadline }),
    timeBasis: input.timeBasis,
    warnAtPercent,
    ...(input.onBreach !== undefined ? { onBreach: input.onBreach } : {}),
  } as unknown as SlaRule;
  return { ok: true, rule };
}

/** Checks a whole policy: every rule, and rule ids unique. Errors are prefixed with the rule's index. */
export function validateSlaPolicy(input: unknown): PolicyValidation {
  if (!Array.isArray(input)) return { ok: false, errors: ['rules must be a list of SLA rules'] };
  const errors: string[] = [];
  const rules: SlaRule[] = [];
  input.forEach((candidate, index) => {
    const checked = validateSlaRule(candidate);
    if (!checked.ok) errors.push(...checked.errors.map((error) => `rules[${index}].${error}`));
    else if (rules.some((rule) => rule.id === checked.rule.id)) errors.push(`rules[${index}].id repeats ${checked.rule.id}`);
    else rules.push(checked.rule);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rules };
}

function checkMatchers(value: unknown, field: string, required: boolean, errors: string[]): EventMatcher[] {
  if (!Array.isArray(value) || (required && value.length === 0)) {
    errors.push(`${field} must be a list of event matchers {type, where?, timeField?}${required ? ', at least one' : ''}`);
    return [];
  }
  const matchers: EventMatcher[] = [];
  value.forEach((candidate: unknown, index) => {
    const at = `${field}[${index}]`;
    if (!isObject(candidate)) return errors.push(`${at} must be an event matcher {type, where?, timeField?}`);
    for (const key of Object.keys(candidate)) if (!['type', 'where', 'timeField'].includes(key)) errors.push(`${at}.${key} is not a matcher field`);
    let valid = true;
    if (typeof candidate.type !== 'string' || !EVENT_TYPE_PATTERN.test(candidate.type)) {
      errors.push(`${at}.type must be an event type such as support.ticket.received.v1`);
      valid = false;
    }
    if (candidate.where !== undefined) {
      if (!isObject(candidate.where)) {
        errors.push(`${at}.where must be an object of data fields and the values they must equal`);
        valid = false;
      } else {
        for (const [path, expected] of Object.entries(candidate.where)) {
          if (!FIELD_PATTERN.test(path)) {
            errors.push(`${at}.where.${path} must name a data field (dotted path)`);
            valid = false;
          }
          if (expected !== null && !['string', 'number', 'boolean'].includes(typeof expected)) {
            errors.push(`${at}.where.${path} must be a string, number, boolean or null`);
            valid = false;
          }
        }
      }
    }
    if (candidate.timeField !== undefined && (typeof candidate.timeField !== 'string' || !FIELD_PATTERN.test(candidate.timeField))) {
      errors.push(`${at}.timeField must name a date-time field of the event data (dotted path)`);
      valid = false;
    }
    if (valid) matchers.push(candidate as unknown as EventMatcher);
  });
  return matchers;
}

// an event that both starts and stops a clock (say) would make the rule mean nothing
function checkOverlaps(lists: Partial<Record<(typeof MATCHER_LISTS)[number], EventMatcher[]>>, errors: string[]): void {
  const seen = new Map<string, string>();
  for (const list of MATCHER_LISTS) {
    (lists[list] ?? []).forEach((matcher, index) => {
      const key = JSON.stringify([matcher.type, Object.entries(matcher.where ?? {}).sort(([a], [b]) => a.localeCompare(b))]);
      const where = `${list}[${index}]`;
      const previous = seen.get(key);
      if (previous) errors.push(`${where} matches the same events as ${previous}`);
      else seen.set(key, where);
    });
  }
}

function checkTarget(value: unknown, errors: string[]): void {
  const rule = `a whole number of minutes from 1 to ${MAX_TARGET_MINUTES}`;
  if (typeof value === 'number') {
    if (!isIntegerIn(value, 1, MAX_TARGET_MINUTES)) errors.push(`targetMinutes must be ${rule}`);
    return;
  }
  if (!isObject(value)) return void errors.push(`targetMinutes must be ${rule}, or one per urgency {urgent, normal}`);
  for (const key of Object.keys(value)) if (!(URGENCIES as readonly string[]).includes(key)) errors.push(`targetMinutes.${key} is not an urgency (${URGENCIES.join(', ')})`);
  for (const urgency of URGENCIES) if (!isIntegerIn(value[urgency], 1, MAX_TARGET_MINUTES)) errors.push(`targetMinutes.${urgency} must be ${rule}`);
}

function checkDeadline(value: unknown, errors: string[]): void {
  if (!isObject(value)) return void errors.push('deadline must be {field, offsetMinutes}');
  for (const key of Object.keys(value)) if (key !== 'field' && key !== 'offsetMinutes') errors.push(`deadline.${key} is not a deadline field`);
  if (typeof value.field !== 'string' || !FIELD_PATTERN.test(value.field)) errors.push('deadline.field must name a date-time field of the start event data (e.g. appointmentAt)');
  if (!isIntegerIn(value.offsetMinutes, -MAX_TARGET_MINUTES, MAX_TARGET_MINUTES)) {
    errors.push(`deadline.offsetMinutes must be a whole number of minutes from -${MAX_TARGET_MINUTES} to ${MAX_TARGET_MINUTES} (negative = before)`);
  }
}

const isIntegerIn = (value: unknown, min: number, max: number): boolean => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A Date from a Date or an ISO 8601 text with a zone (a zoneless text would be read in the host's zone). */
export function dateOf(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'string' || !/(?:Z|[+-]\d{2}:?\d{2})$/i.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
