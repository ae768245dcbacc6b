import { defineEvent, EventOf } from '../catalogue/event-definition';
import { assigneeSchema, requiredTextSchema, tierSchema, URGENCIES, uuidSchema } from '../tickets/ticket.vocabulary';

// routing's decisions, keyed by ticket id; intake's reactor turns each into a ticket event whose
// causation id is the decision's event id

export const ROUTING_TOPIC = 'support.routing.v1';
export const ROUTING_AGGREGATE = 'ticket-routing';

/** automatic = routing's policy chose; manual = a lead chose and routing checked the rules */
export const DECISION_MODES = ['automatic', 'manual'] as const;
export type DecisionMode = (typeof DECISION_MODES)[number];

export const assignmentDecided = defineEvent({
  type: 'support.routing.assignment-decided.v1',
  topic: ROUTING_TOPIC,
  aggregate: ROUTING_AGGREGATE,
  description: 'Routing chose who works a ticket: an employee at a tier, or a whitelisted contractor for a fixed scenario (then `scenario` is set).',
  schema: {
    type: 'object',
    required: ['ticketId', 'assignee', 'tier', 'mode', 'reason'],
    additionalProperties: false,
    properties: {
      ticketId: uuidSchema,
      assignee: assigneeSchema(),
      tier: tierSchema,
      mode: { enum: [...DECISION_MODES] },
      reason: requiredTextSchema,
      scenario: requiredTextSchema,
    },
  },
});

export const escalationDecided = defineEvent({
  type: 'support.routing.escalation-decided.v1',
  topic: ROUTING_TOPIC,
  aggregate: ROUTING_AGGREGATE,
  description: "Routing chose the member of the next tier for an escalation request; `reason` is the request's.",
  schema: {
    type: 'object',
    required: ['ticketId', 'fromTier', 'toTier', 'assignee', 'reason'],
    additionalProperties: false,
    properties: { ticketId: uuidSchema, fromTier: tierSchema, toTier: tierSchema, assignee: assigneeSchema(['lead', 'senior', 'agent']), reason: requiredTextSchema },
  },
});

export const ticketQueued = defineEvent({
  type: 'support.routing.ticket-queued.v1',
  topic: ROUTING_TOPIC,
  aggregate: ROUTING_AGGREGATE,
  description: 'Nobody eligible is free: the ticket waits and is assigned as soon as someone frees up or comes on duty.',
  schema: {
    type: 'object',
    required: ['ticketId', 'urgency', 'reason', 'waitingFor'],
    additionalProperties: false,
    properties: { ticketId: uuidSchema, urgency: { enum: [...URGENCIES] }, reason: requiredTextSchema, waitingFor: { enum: ['assignment', 'escalation'] } },
  },
});

export const routingDecisionEvents = [assignmentDecided, escalationDecided, ticketQueued];
export type RoutingDecisionEvent = EventOf<(typeof routingDecisionEvents)[number]>;
