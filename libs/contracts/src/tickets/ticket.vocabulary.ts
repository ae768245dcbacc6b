import { dataSchemaWith, SchemaType } from '../catalogue/event-definition';

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

/** How the assignee reached the customer. */
export const CONTACT_CHANNELS = ['phone', 'wechat', 'sms', 'email', 'video-call'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export const DEFAULT_CURRENCY = 'CNY';

// schema pieces keep their literal types (`as const`) for the event data types derived from them;
// each event's schema is still a closed object (additionalProperties: false)
export const actorSchema = {
  type: 'object',
  required: ['id', 'role'],
  properties: { id: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
  additionalProperties: false,
} as const;

export const uuidSchema = { type: 'string', format: 'uuid' } as const;
export const dateTimeSchema = { type: 'string', format: 'date-time' } as const;
export const textSchema = { type: 'string' } as const;
export const requiredTextSchema = { type: 'string', minLength: 1 } as const;
export const tierSchema = { enum: [...TIERS] } as const;

/** The member who works a ticket; `roles` narrows the role (a single role is a `const`). */
export function assigneeSchema<const Roles extends readonly AssigneeRole[] = typeof ASSIGNEE_ROLES>(roles: Roles = ASSIGNEE_ROLES as readonly AssigneeRole[] as Roles) {
  return {
    type: 'object',
    description: 'the member who works the ticket',
    required: ['id', 'role'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', minLength: 1, description: 'member id (the `sub` of their token)' },
      // a single role is a const (the published schemas say so); its type is that one role
      role: roles.length === 1 ? { const: roles[0] as Roles[number] } : { enum: [...roles] },
      name: { type: 'string' },
    },
  } as const;
}

/** Who works a ticket. */
export type Assignee = SchemaType<ReturnType<typeof assigneeSchema<typeof ASSIGNEE_ROLES>>>;

/** A closed object schema for a ticket event's data; `ticketId` is always there and required. */
export const ticketDataSchema = dataSchemaWith({ ticketId: uuidSchema }, ['ticketId']);
