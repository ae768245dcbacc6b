import { defineEvent } from '../catalogue/event-definition';
import {
  CONTACT_CHANNELS,
  dateTimeSchema,
  DEFAULT_CURRENCY,
  DIFFICULTIES,
  requiredTextSchema,
  textSchema,
  TICKET_AGGREGATE,
  ticketDataSchema,
  TICKETS_TOPIC,
  uuidSchema,
} from './ticket.vocabulary';

// working the ticket: first contact, diagnosis and quote, on-site visit, resolution, field-service steps

const amountSchema = { type: 'integer', minimum: 0, description: 'in minor units (fen / cents), never a float' } as const;
const currencySchema = { type: 'string', pattern: '^[A-Z]{3}$', description: `ISO 4217 code; commands default to ${DEFAULT_CURRENCY}` } as const;
const visitIdSchema = { ...uuidSchema, description: 'the field-service Visit' } as const;

export const ticketContacted = defineEvent({
  type: 'support.ticket.contacted.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: 'The assignee reached the customer (first contact stops the response SLA clock).',
  schema: ticketDataSchema({ channel: { enum: [...CONTACT_CHANNELS] }, note: textSchema, contactedAt: dateTimeSchema }, ['channel', 'contactedAt']),
});

export const ticketDiagnosed = defineEvent({
  type: 'support.ticket.diagnosed.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: 'A diagnosis was recorded (or revised): fault category, scenario and difficulty.',
  schema: ticketDataSchema(
    {
      faultCategory: requiredTextSchema,
      scenario: requiredTextSchema,
      difficulty: { enum: [...DIFFICULTIES] },
      note: textSchema,
    },
    ['faultCategory', 'scenario', 'difficulty'],
  ),
});

export const ticketQuoted = defineEvent({
  type: 'support.ticket.quoted.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: 'A price was quoted to the customer (a new quote replaces the previous one).',
  // the note belongs to the negotiation (what the price covers, a discount): hidden with the price
  priceData: ['/amount', '/currency', '/note'],
  schema: ticketDataSchema({ amount: amountSchema, currency: currencySchema, note: textSchema }, ['amount', 'currency']),
});

export const ticketQuoteAccepted = defineEvent({
  type: 'support.ticket.quote-accepted.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: 'The customer accepted the current quote (its amount is repeated here); work starts.',
  priceData: ['/amount', '/currency'],
  schema: ticketDataSchema({ amount: amountSchema, currency: currencySchema }, ['amount', 'currency']),
});

export const ticketQuoteDeclined = defineEvent({
  type: 'support.ticket.quote-declined.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: 'The customer declined the current quote; the ticket goes back to diagnosed for a new quote.',
  // why a price was declined ("too dear") is price talk too
  priceData: ['/reason'],
  schema: ticketDataSchema({ reason: textSchema }),
});

export const ticketOnSiteScheduled = defineEvent({
  type: 'support.ticket.on-site-scheduled.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: 'The fault cannot be fixed remotely: an on-site visit was booked.',
  schema: ticketDataSchema({ visitId: visitIdSchema, appointmentAt: dateTimeSchema }, ['visitId', 'appointmentAt']),
});

export const ticketTechnicianOnSite = defineEvent({
  type: 'support.ticket.technician-on-site.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: "The technician checked in at the customer's site for the booked visit.",
  schema: ticketDataSchema({ visitId: visitIdSchema, arrivedAt: dateTimeSchema }, ['visitId', 'arrivedAt']),
});

export const ticketResolved = defineEvent({
  type: 'support.ticket.resolved.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: 'The fault was fixed, remotely or on site; the result is reported to the customer.',
  schema: ticketDataSchema(
    {
      resolution: requiredTextSchema,
      remote: { type: 'boolean', description: 'fixed by remote guidance (phone, screen sharing), not on site' },
      sopId: { ...requiredTextSchema, description: 'the knowledge-base SOP that was followed' },
    },
    ['resolution', 'remote'],
  ),
});

/** The steps support.ticket.field-service-recorded.v1 knew: published, so frozen (v2 adds the finer ones). */
const FIELD_SERVICE_STEPS_V1 = [
  'visit-requested',
  'visit-rescheduled',
  'visit-prepared',
  'visit-signed',
  'visit-cancelled',
  'sheet-submitted',
  'sheet-approved',
  'sheet-rejected',
  'sheet-archived',
] as const;

/**
 * The field-service steps a ticket's history records (visits and service sheets): every one, work-log
 * entries and sheet drafts and revisions included, so the next person sees everything that was done.
 */
export const FIELD_SERVICE_STEPS = [...FIELD_SERVICE_STEPS_V1, 'visit-work-logged', 'sheet-drafted', 'sheet-revised'] as const;
export type FieldServiceStep = (typeof FIELD_SERVICE_STEPS)[number];

function fieldServiceRecordedSchema<const Steps extends readonly string[]>(steps: Steps) {
  return ticketDataSchema(
    {
      step: { enum: [...steps] },
      visitId: visitIdSchema,
      sheetId: { ...uuidSchema, description: 'the field-service ServiceSheet' },
      at: { ...dateTimeSchema, description: 'when the step happened in field-service' },
      note: {
        ...textSchema,
        description: 'the reason of a reschedule, cancellation or rejection, the review note, a work-log entry (shortened), or the kind and author of a drafted sheet',
      },
      signatureSha256: {
        type: 'string',
        pattern: '^[0-9a-f]{64}$',
        description: "hex sha256 of the customer's signature image (visit-signed); the image stays with field-service",
      },
    },
    ['step', 'at'],
  );
}

/** Superseded by v2 (the same data, more steps): intake writes v2 only; streams keep their v1 events. */
export const ticketFieldServiceRecorded = defineEvent({
  type: 'support.ticket.field-service-recorded.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: "A field-service step (a visit's or a service sheet's) recorded in the ticket's history; the stage does not change. Superseded by v2, which intake writes instead.",
  schema: fieldServiceRecordedSchema(FIELD_SERVICE_STEPS_V1),
});

// a new version, not an edit: a reader validating against v1 would refuse the new steps
export const ticketFieldServiceRecordedV2 = defineEvent({
  type: 'support.ticket.field-service-recorded.v2',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description:
    "A field-service step (a visit's or a service sheet's) recorded in the ticket's history; the stage does not change. v1's steps plus visit-work-logged, sheet-drafted and sheet-revised.",
  schema: fieldServiceRecordedSchema(FIELD_SERVICE_STEPS),
});

export const ticketWorkEvents = [
  ticketContacted,
  ticketDiagnosed,
  ticketQuoted,
  ticketQuoteAccepted,
  ticketQuoteDeclined,
  ticketOnSiteScheduled,
  ticketTechnicianOnSite,
  ticketResolved,
  ticketFieldServiceRecorded,
  ticketFieldServiceRecordedV2,
];
