import { defineEvent } from '../catalogue/event-definition';
import { CHANNELS, DIFFICULTIES, requiredTextSchema, textSchema, TICKET_AGGREGATE, ticketDataSchema, TICKETS_TOPIC, URGENCIES } from './ticket.vocabulary';

// a ticket's beginning and end: received, feedback, closed, reopened, cancelled

export const ticketReceived = defineEvent({
  type: 'support.ticket.received.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: 'A customer problem was registered from a channel.',
  personalData: ['/customer/name', '/customer/phone', '/customer/wechat'],
  schema: {
    type: 'object',
    required: ['ticketId', 'customerId', 'customer', 'channel', 'deviceModel', 'problem', 'urgency', 'requestedAt', 'receivedAt'],
    additionalProperties: false,
    properties: {
      ticketId: { type: 'string', format: 'uuid' },
      customerId: { type: 'string', format: 'uuid' },
      customer: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: { name: { type: 'string' }, phone: { type: 'string' }, wechat: { type: 'string' } },
      },
      channel: { enum: [...CHANNELS] },
      deviceModel: { type: 'string' },
      problem: { type: 'string' },
      urgency: { enum: [...URGENCIES] },
      requestedAt: { type: 'string', format: 'date-time' },
      receivedAt: { type: 'string', format: 'date-time' },
      // the desk's first classification, when it has one: routing uses it to pick the assignee
      triage: {
        type: 'object',
        additionalProperties: false,
        properties: { faultCategory: requiredTextSchema, scenario: requiredTextSchema, difficulty: { enum: [...DIFFICULTIES] } },
      },
    },
  },
});

export const ticketFeedbackGiven = defineEvent({
  type: 'support.ticket.feedback-given.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: 'The customer rated the service (satisfaction 1-5); at most once per ticket.',
  schema: ticketDataSchema({ satisfaction: { type: 'integer', minimum: 1, maximum: 5 }, comment: textSchema }, ['satisfaction']),
});

export const ticketClosed = defineEvent({
  type: 'support.ticket.closed.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: 'The resolved ticket was closed.',
  schema: ticketDataSchema({ note: textSchema }),
});

export const ticketReopened = defineEvent({
  type: 'support.ticket.reopened.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: 'A resolved or closed ticket was reopened: the problem came back or the fix did not hold.',
  schema: ticketDataSchema({ reason: requiredTextSchema }, ['reason']),
});

export const ticketCancelled = defineEvent({
  type: 'support.ticket.cancelled.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: 'The ticket was cancelled before it was resolved (e.g. the customer withdrew the request).',
  schema: ticketDataSchema({ reason: requiredTextSchema }, ['reason']),
});

export const ticketSlaBreached = defineEvent({
  type: 'support.ticket.sla-breached.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: "An SLA clock of the ticket passed its due time (sla-monitor's breach, recorded in the ticket's history); the stage does not change.",
  schema: ticketDataSchema(
    {
      clockId: requiredTextSchema,
      ruleId: requiredTextSchema,
      dueAt: { type: 'string', format: 'date-time' },
      lateByMinutes: { type: 'number', minimum: 0 },
    },
    ['clockId', 'ruleId', 'dueAt', 'lateByMinutes'],
  ),
});

export const ticketLifecycleEvents = [ticketReceived, ticketFeedbackGiven, ticketClosed, ticketReopened, ticketCancelled, ticketSlaBreached];
