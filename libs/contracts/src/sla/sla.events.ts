import { dataSchemaWith, defineEvent, EventOf, SchemaType } from '../catalogue/event-definition';
import { dateTimeSchema, requiredTextSchema, URGENCIES, uuidSchema } from '../tickets/ticket.vocabulary';

// the sla-monitor's clocks: one per (subject, rule), keyed by the clock id; a clock starts, may pause and
// resume, warns once, breaches once, and ends met or cancelled

export const SLA_TOPIC = 'support.sla.v1';
export const SLA_CLOCK_AGGREGATE = 'sla-clock';

/** What a clock measures: a ticket, an on-site visit, a service sheet, or a case analysis. */
export const SLA_SUBJECTS = ['ticket', 'visit', 'sheet', 'analysis'] as const;
export type SlaSubjectType = (typeof SLA_SUBJECTS)[number];

/** `calendar`: every minute counts; `working`: only minutes inside the team's business calendar. */
export const TIME_BASES = ['calendar', 'working'] as const;
export type TimeBasis = (typeof TIME_BASES)[number];

/** What the monitor asks for when a clock breaches (today only: escalate the ticket one tier up). */
export const BREACH_ACTIONS = ['escalate'] as const;
export type BreachAction = (typeof BREACH_ACTIONS)[number];

const subjectSchema = {
  type: 'object',
  required: ['type', 'id'],
  additionalProperties: false,
  properties: { type: { enum: [...SLA_SUBJECTS] }, id: requiredTextSchema },
} as const;

export type SlaSubject = SchemaType<typeof subjectSchema>;

/** Minutes in the clock's time basis (calendar or working), possibly fractional. */
const minutesSchema = { type: 'number', description: "minutes in the clock's time basis (calendar or working minutes)" } as const;

const clockDataSchema = dataSchemaWith(
  {
    clockId: { ...requiredTextSchema, description: 'the clock (and Kafka key): one per subject and rule' },
    ruleId: { ...requiredTextSchema, description: 'the SLA rule the clock measures' },
    subject: subjectSchema,
    ticketId: { ...uuidSchema, description: 'the ticket the subject belongs to, when known' },
  },
  ['clockId', 'ruleId', 'subject'],
);

export const slaClockStarted = defineEvent({
  type: 'support.sla.clock-started.v1',
  topic: SLA_TOPIC,
  aggregate: SLA_CLOCK_AGGREGATE,
  description:
    'A clock started counting from `startedAt` (e.g. when the customer asked); it is due at `dueAt` and warns at `warnAt`. ' +
    '`breachAction` is what a breach will ask for (fixed at start, with the urgency that decided it).',
  schema: clockDataSchema(
    {
      startedAt: dateTimeSchema,
      dueAt: dateTimeSchema,
      warnAt: dateTimeSchema,
      timeBasis: { enum: [...TIME_BASES] },
      targetMinutes: { ...minutesSchema, minimum: 0 },
      urgency: { enum: [...URGENCIES] },
      breachAction: { enum: [...BREACH_ACTIONS] },
    },
    ['startedAt', 'dueAt', 'warnAt', 'timeBasis', 'targetMinutes'],
  ),
});

export const slaClockPaused = defineEvent({
  type: 'support.sla.clock-paused.v1',
  topic: SLA_TOPIC,
  aggregate: SLA_CLOCK_AGGREGATE,
  description: 'The countdown stopped (e.g. waiting for the customer); `remainingMinutes` is what was left (negative when already overdue).',
  schema: clockDataSchema({ at: dateTimeSchema, remainingMinutes: minutesSchema }, ['at', 'remainingMinutes']),
});

export const slaClockResumed = defineEvent({
  type: 'support.sla.clock-resumed.v1',
  topic: SLA_TOPIC,
  aggregate: SLA_CLOCK_AGGREGATE,
  description: 'The countdown goes on; due and warning times moved later by the paused time (`pausedMinutes`, in the time basis).',
  schema: clockDataSchema({ at: dateTimeSchema, dueAt: dateTimeSchema, warnAt: dateTimeSchema, pausedMinutes: { ...minutesSchema, minimum: 0 } }, [
    'at',
    'dueAt',
    'warnAt',
    'pausedMinutes',
  ]),
});

export const slaClockWarned = defineEvent({
  type: 'support.sla.clock-warned.v1',
  topic: SLA_TOPIC,
  aggregate: SLA_CLOCK_AGGREGATE,
  description: 'The clock reached its warning threshold (default 80% of the target); at most once per clock.',
  schema: clockDataSchema({ at: dateTimeSchema, dueAt: dateTimeSchema, remainingMinutes: minutesSchema }, ['at', 'dueAt', 'remainingMinutes']),
});

export const slaClockBreached = defineEvent({
  type: 'support.sla.clock-breached.v1',
  topic: SLA_TOPIC,
  aggregate: SLA_CLOCK_AGGREGATE,
  description: 'The clock passed its due time before it was met; at most once per clock. `action` (e.g. `escalate`) asks the ticket to go one tier up.',
  schema: clockDataSchema({ at: dateTimeSchema, dueAt: dateTimeSchema, lateByMinutes: { ...minutesSchema, minimum: 0 }, action: { enum: [...BREACH_ACTIONS] } }, [
    'at',
    'dueAt',
    'lateByMinutes',
  ]),
});

export const slaClockMet = defineEvent({
  type: 'support.sla.clock-met.v1',
  topic: SLA_TOPIC,
  aggregate: SLA_CLOCK_AGGREGATE,
  description:
    'The stopping event happened at `at`; `withinTarget` is false when that was after the due time (met late), and ' +
    '`remainingMinutes` is what was left then (negative when late).',
  schema: clockDataSchema({ at: dateTimeSchema, withinTarget: { type: 'boolean' }, remainingMinutes: minutesSchema }, ['at', 'withinTarget', 'remainingMinutes']),
});

export const slaClockCancelled = defineEvent({
  type: 'support.sla.clock-cancelled.v1',
  topic: SLA_TOPIC,
  aggregate: SLA_CLOCK_AGGREGATE,
  description: 'The clock no longer applies (e.g. the ticket was cancelled); it counts neither as met nor as breached from here on.',
  schema: clockDataSchema({ at: dateTimeSchema, reason: requiredTextSchema }, ['at', 'reason']),
});

export const slaEvents = [slaClockStarted, slaClockPaused, slaClockResumed, slaClockWarned, slaClockBreached, slaClockMet, slaClockCancelled];

export type SlaEvent = EventOf<(typeof slaEvents)[number]>;
export type SlaEventType = SlaEvent['type'];
/** One SLA event type, e.g. `SlaEventOf<'support.sla.clock-breached.v1'>`. */
export type SlaEventOf<Type extends SlaEventType> = Extract<SlaEvent, { type: Type }>;

/** Carried by every clock event: which clock, which rule, what it measures, and the ticket when known. */
export type SlaClockRef = Pick<SlaEventOf<'support.sla.clock-cancelled.v1'>['data'], 'clockId' | 'ruleId' | 'subject' | 'ticketId'>;

export const SLA_POLICIES_TOPIC = 'support.sla-policies.v1';

/** The SLA rules and business calendar a lead put in force (the whole policy, replacing the previous one). */
export const slaPolicyChanged = defineEvent({
  type: 'support.sla.policy-changed.v1',
  topic: SLA_POLICIES_TOPIC,
  aggregate: 'sla-policy',
  description: "The SLA rules and business calendar in force from now on; the rules' and calendar's own shape is checked by sla-monitor (GET /v1/policies documents it).",
  schema: {
    type: 'object',
    required: ['policyId', 'rules', 'calendar'],
    additionalProperties: false,
    properties: {
      policyId: requiredTextSchema,
      rules: { type: 'array', items: { type: 'object' } },
      calendar: { type: 'object' },
    },
  },
});
