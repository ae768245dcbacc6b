import { defineEvent } from '../catalogue/event-definition';
import { assigneeSchema, requiredTextSchema, TICKET_AGGREGATE, ticketDataSchema, TICKETS_TOPIC, tierSchema, uuidSchema } from './ticket.vocabulary';

// who works the ticket: assignment, contractor dispatch, escalation along L1 -> L2 -> L3

const decisionIdSchema = { ...uuidSchema, description: "id of the routing decision event this follows (also the envelope's causation id)" } as const;

export const ticketAssigned = defineEvent({
  type: 'support.ticket.assigned.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: 'The ticket was assigned (or reassigned) to a member at a tier, automatically by routing or by hand.',
  schema: ticketDataSchema(
    {
      assignee: assigneeSchema(['lead', 'senior', 'agent']),
      tier: tierSchema,
      decisionId: decisionIdSchema,
      reason: { type: 'string', description: 'why this member, e.g. the routing rule that matched' },
    },
    ['assignee', 'tier'],
  ),
});

export const ticketDispatchedToContractor = defineEvent({
  type: 'support.ticket.dispatched-to-contractor.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: 'A fixed-scenario job was dispatched to a contractor whitelisted for that scenario; the contractor is now the assignee.',
  schema: ticketDataSchema(
    {
      assignee: assigneeSchema(['contractor']),
      scenario: { ...requiredTextSchema, description: 'the fixed scenario (knowledge-base catalogue) the contractor executes by SOP' },
      decisionId: decisionIdSchema,
    },
    ['assignee', 'scenario'],
  ),
});

export const ticketEscalationRequested = defineEvent({
  type: 'support.ticket.escalation-requested.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: 'The assignee (or an SLA breach) asked for the ticket to go one tier up; routing picks the member.',
  schema: ticketDataSchema({ reason: requiredTextSchema, fromTier: tierSchema }, ['reason', 'fromTier']),
});

export const ticketEscalated = defineEvent({
  type: 'support.ticket.escalated.v1',
  topic: TICKETS_TOPIC,
  aggregate: TICKET_AGGREGATE,
  description: 'The ticket moved one tier up the escalation chain to a new assignee.',
  schema: ticketDataSchema(
    {
      fromTier: tierSchema,
      toTier: tierSchema,
      assignee: assigneeSchema(['lead', 'senior', 'agent']),
      reason: requiredTextSchema,
      decisionId: decisionIdSchema,
    },
    ['fromTier', 'toTier', 'assignee', 'reason'],
  ),
});

export const ticketRoutingEvents = [ticketAssigned, ticketDispatchedToContractor, ticketEscalationRequested, ticketEscalated];
