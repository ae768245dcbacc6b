import { dataSchemaWith, defineEvent, defineNarrowedEvent, EventOf, SchemaType } from '../catalogue/event-definition';
import { actorSchema, dateTimeSchema, requiredTextSchema, uuidSchema } from '../tickets/ticket.vocabulary';

// on-site visits: requested -> scheduled -> prepared -> checked in -> (work log) -> completed -> signed;
// rescheduled and cancelled with reasons. Each event carries the visit and its ticket.

export const VISITS_TOPIC = 'support.visits.v1';
export const VISIT_AGGREGATE = 'visit';

/** The largest customer signature image accepted, in bytes (it travels inside the signed event). */
export const MAX_SIGNATURE_BYTES = 256 * 1024;
export const SIGNATURE_MEDIA_TYPES = ['image/png', 'image/jpeg'] as const;
export type SignatureMediaType = (typeof SIGNATURE_MEDIA_TYPES)[number];

/** Who goes on site: a member (employee or contractor). */
export interface Technician {
  id: string;
  role: 'lead' | 'senior' | 'agent' | 'contractor';
  name?: string;
}

const windowSchema = {
  type: 'object',
  required: ['start', 'end'],
  additionalProperties: false,
  properties: { start: dateTimeSchema, end: dateTimeSchema },
} as const;

/** When the technician is expected: the appointment is the window's start. */
export type TimeWindow = SchemaType<typeof windowSchema>;

const labels = { type: 'array', items: requiredTextSchema, maxItems: 100 } as const;
const sha256Schema = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

const checklistSchema = {
  type: 'object',
  required: ['tools', 'spareParts', 'addressConfirmed', 'deviceStateConfirmed', 'deviceState'],
  additionalProperties: false,
  properties: {
    tools: { ...labels, minItems: 1 },
    spareParts: labels,
    addressConfirmed: { const: true },
    deviceStateConfirmed: { const: true },
    deviceState: requiredTextSchema,
  },
} as const;

/** What the technician confirmed before leaving. */
export type VisitChecklist = SchemaType<typeof checklistSchema>;

const customerSignatureSchema = {
  type: 'object',
  required: ['signerName', 'mediaType', 'sha256', 'imageBase64'],
  additionalProperties: false,
  properties: {
    signerName: requiredTextSchema,
    mediaType: { enum: [...SIGNATURE_MEDIA_TYPES] },
    sha256: { ...sha256Schema, description: 'hex sha256 of the image bytes' },
    imageBase64: { type: 'string', minLength: 1, maxLength: Math.ceil(MAX_SIGNATURE_BYTES / 3) * 4 },
  },
} as const;

/** The customer's signature: the image itself and its sha256, so that later tampering shows. */
export type CustomerSignature = SchemaType<typeof customerSignatureSchema>;

const visitDataSchema = dataSchemaWith({ visitId: uuidSchema, ticketId: uuidSchema }, ['visitId', 'ticketId']);

const appointment = { window: windowSchema, appointmentAt: { ...dateTimeSchema, description: "the window's start" }, address: requiredTextSchema } as const;

// the published schema takes any role for the technician (actorSchema); only members go on site
const withTechnician = defineNarrowedEvent<{ technician: Technician }>();

export const visitRequested = defineEvent({
  type: 'support.visit.requested.v1',
  topic: VISITS_TOPIC,
  aggregate: VISIT_AGGREGATE,
  description: 'The fault cannot be fixed remotely: an on-site visit is asked for.',
  schema: visitDataSchema({ reason: requiredTextSchema }, ['reason']),
});

export const visitScheduled = withTechnician({
  type: 'support.visit.scheduled.v1',
  topic: VISITS_TOPIC,
  aggregate: VISIT_AGGREGATE,
  description: 'A technician, a time window and the address were booked (starts the preparation clock).',
  personalData: ['/address'],
  schema: visitDataSchema({ technician: actorSchema, ...appointment }, ['technician', 'window', 'appointmentAt', 'address']),
});

export const visitRescheduled = withTechnician({
  type: 'support.visit.rescheduled.v1',
  topic: VISITS_TOPIC,
  aggregate: VISIT_AGGREGATE,
  description: 'The booking changed (time, technician or address), with a reason; preparation must be confirmed again.',
  personalData: ['/address'],
  schema: visitDataSchema({ technician: actorSchema, ...appointment, reason: requiredTextSchema }, ['technician', 'window', 'appointmentAt', 'address', 'reason']),
});

export const visitPrepared = defineEvent({
  type: 'support.visit.prepared.v1',
  topic: VISITS_TOPIC,
  aggregate: VISIT_AGGREGATE,
  description: 'The technician confirmed address, device state, tools and spare parts (due 1 h before the appointment).',
  schema: visitDataSchema(
    {
      checklist: checklistSchema,
      preparedAt: dateTimeSchema,
      appointmentAt: dateTimeSchema,
    },
    ['checklist', 'preparedAt', 'appointmentAt'],
  ),
});

export const visitCheckedIn = defineEvent({
  type: 'support.visit.checked-in.v1',
  topic: VISITS_TOPIC,
  aggregate: VISIT_AGGREGATE,
  description: "The technician arrived at the customer's site.",
  // the coordinates are the customer's site: as telling as its address
  personalData: ['/location'],
  schema: visitDataSchema(
    {
      arrivedAt: dateTimeSchema,
      location: {
        type: 'object',
        required: ['latitude', 'longitude'],
        additionalProperties: false,
        properties: { latitude: { type: 'number', minimum: -90, maximum: 90 }, longitude: { type: 'number', minimum: -180, maximum: 180 } },
      },
    },
    ['arrivedAt'],
  ),
});

export const visitWorkLogged = defineEvent({
  type: 'support.visit.work-logged.v1',
  topic: VISITS_TOPIC,
  aggregate: VISIT_AGGREGATE,
  description: 'A work log entry on site: what was confirmed, diagnosed, told to the customer or done.',
  schema: visitDataSchema({ entry: requiredTextSchema, loggedAt: dateTimeSchema }, ['entry', 'loggedAt']),
});

export const visitCompleted = defineEvent({
  type: 'support.visit.completed.v1',
  topic: VISITS_TOPIC,
  aggregate: VISIT_AGGREGATE,
  description: 'The work is done, the customer tested the device and was given usage notes (starts the 2 h sheet clock).',
  schema: visitDataSchema({ completedAt: dateTimeSchema, workDone: requiredTextSchema, customerTested: { const: true }, usageNotes: requiredTextSchema }, [
    'completedAt',
    'workDone',
    'customerTested',
    'usageNotes',
  ]),
});

export const visitSigned = defineEvent({
  type: 'support.visit.signed.v1',
  topic: VISITS_TOPIC,
  aggregate: VISIT_AGGREGATE,
  description: 'The customer signed for the service before the technician left; the image is kept with its sha256.',
  personalData: ['/signature/signerName', '/signature/imageBase64'],
  schema: visitDataSchema(
    {
      signedAt: dateTimeSchema,
      signature: customerSignatureSchema,
    },
    ['signedAt', 'signature'],
  ),
});

export const visitCancelled = defineEvent({
  type: 'support.visit.cancelled.v1',
  topic: VISITS_TOPIC,
  aggregate: VISIT_AGGREGATE,
  description: 'The visit will not happen, with the reason.',
  schema: visitDataSchema({ reason: requiredTextSchema }, ['reason']),
});

export const visitEvents = [visitRequested, visitScheduled, visitRescheduled, visitPrepared, visitCheckedIn, visitWorkLogged, visitCompleted, visitSigned, visitCancelled];
export type VisitEvent = EventOf<(typeof visitEvents)[number]>;
export type VisitEventType = VisitEvent['type'];
