import { defineEvent, EventOf } from '../catalogue/event-definition';
import { requiredTextSchema, tierSchema } from '../tickets/ticket.vocabulary';

// the team routing hands work to: members with role, tier, skills, whitelist, capacity and duty

export const ROSTER_TOPIC = 'support.roster.v1';
export const MEMBER_AGGREGATE = 'member';

/** Roles that work tickets; contractors take only the fixed scenarios on their whitelist. */
export const MEMBER_ROLES = ['lead', 'senior', 'agent', 'contractor'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

const labels = { type: 'array', items: requiredTextSchema, uniqueItems: true, maxItems: 100 } as const;

const profileProperties = {
  name: requiredTextSchema,
  tier: tierSchema,
  // fault categories the member can take
  skills: labels,
  // fixed scenarios a contractor may take (only these); empty for employees
  scenarios: labels,
  // most open tickets at once
  capacity: { type: 'integer', minimum: 1, maximum: 1000 },
} as const;

export const memberRegistered = defineEvent({
  type: 'support.member.registered.v1',
  topic: ROSTER_TOPIC,
  aggregate: MEMBER_AGGREGATE,
  description: 'A member joined the roster (off duty until they go on duty).',
  schema: {
    type: 'object',
    required: ['memberId', 'role', 'name', 'tier', 'skills', 'scenarios', 'capacity'],
    additionalProperties: false,
    properties: { memberId: requiredTextSchema, role: { enum: [...MEMBER_ROLES] }, ...profileProperties },
  },
});

export const memberProfileChanged = defineEvent({
  type: 'support.member.profile-changed.v1',
  topic: ROSTER_TOPIC,
  aggregate: MEMBER_AGGREGATE,
  description: "A member's tier, skills, scenario whitelist or capacity changed; the data is the whole new profile.",
  schema: {
    type: 'object',
    required: ['memberId', 'name', 'tier', 'skills', 'scenarios', 'capacity'],
    additionalProperties: false,
    properties: { memberId: requiredTextSchema, ...profileProperties },
  },
});

export const memberWentOnDuty = defineEvent({
  type: 'support.member.went-on-duty.v1',
  topic: ROSTER_TOPIC,
  aggregate: MEMBER_AGGREGATE,
  description: 'The member is on duty: routing may hand them work.',
  schema: { type: 'object', required: ['memberId'], additionalProperties: false, properties: { memberId: requiredTextSchema } },
});

export const memberWentOffDuty = defineEvent({
  type: 'support.member.went-off-duty.v1',
  topic: ROSTER_TOPIC,
  aggregate: MEMBER_AGGREGATE,
  description: 'The member is off duty: routing hands them nothing new (their open tickets stay theirs).',
  schema: { type: 'object', required: ['memberId'], additionalProperties: false, properties: { memberId: requiredTextSchema } },
});

/** What routing needs to know of a member. */
export type MemberProfile = Omit<EventOf<typeof memberProfileChanged>['data'], 'memberId'>;

export const rosterEvents = [memberRegistered, memberProfileChanged, memberWentOnDuty, memberWentOffDuty];
export type RosterEvent = EventOf<(typeof rosterEvents)[number]>;
