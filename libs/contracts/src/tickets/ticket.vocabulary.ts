import { JsonSchema } from '../catalogue/event-definition';

/** Words shared by every ticket event: topic, enumerations, and the schema pieces they reuse. */

export const TICKETS_TOPIC = 'support.tickets.v1';
export const TICKET_AGGREGATE = 'ticket';

export const URGENCIES = ['urgent', 'normal'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** Where a request came from. */
export const CHANNELS = ['wechat', 'phone', 'web', 'cs-desk', 'api', 'lead'] as const;
export type Channel = (typeof CHANNELS)[number];

/** A ticket's life, DOMAIN.md "A ticket's life". */
export const TICKET_STATES = ['received', 'assigned', 'contacted', 'diagnosed', 'quoted', 'in-progress', 'on-site', 'resolved', 'closed', 'cancelled', 'reopened'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

/** The escalation chain: L1 agent -> L2 senior -> L3 lead; L3 is final. */
export const TIERS = ['L1', 'L2', 'L3'] as const;
export type Tier = (typeof TIERS)[number];

/** The tier after `tier`, or undefined for L3 (final). */
export function nextTier(tier: Tier): Tier | undefined {
  return TIERS[TIERS.indexOf(tier) + 1];
}

/** How hard a diagnosed fault is: decides who may work it (agent, senior, whitelisted contractor). */
export const DIFFICULTIES = ['common', 'hard', 'fixed-scenario'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

/** Roles a ticket can be assigned to; `intake`, `analyst` and `service` never work tickets. */
export const ASSIGNEE_ROLES = ['lead', 'senior', 'agent', 'contractor'] as const;
export type AssigneeRole = (typeof ASSIGNEE_ROLES)[number];

/** Who works a ticket. */
export interface Assignee {
  id: string;
  role: AssigneeRole;
  name?: string;
}

/** How the assignee reached the customer. */
export const CONTACT_CHANNELS = ['phone', 'wechat', 'sms', 'email', 'video-call'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export const DEFAULT_CURRENCY = 'CNY';

export const actorSchema = {
  type: 'object',
  required: ['id', 'role'],
  properties: { id: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
  additionalProperties: false,
};

// schema pieces; each event's schema is still a closed object (additionalProperties: false)
export const uuidSchema = { type: 'string', format: 'uuid' } as const;
export const dateTimeSchema = { type: 'string', format: 'date-time' } as const;
export const textSchema = { type: 'string' } as const;
export const requiredTextSchema = { type: 'string', minLength: 1 } as const;
export const tierSchema = { enum: [...TIERS] };

export function assigneeSchema(roles: readonly AssigneeRole[] = ASSIGNEE_ROLES): JsonSchema {
  return {
    type: 'object',
    description: 'the member who works the ticket',
    required: ['id', 'role'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', minLength: 1, description: 'member id (the `sub` of their token)' },
      role: roles.length === 1 ? { const: roles[0] } : { enum: [...roles] },
      name: { type: 'string' },
    },
  };
}

/** A closed object schema for a ticket event's data; `ticketId` is always there and required. */
export function ticketDataSchema(properties: Record<string, JsonSchema>, required: readonly string[] = []): JsonSchema {
  return {
    type: 'object',
    required: ['ticketId', ...required],
    additionalProperties: false,
    properties: { ticketId: uuidSchema, ...properties },
  };
}
