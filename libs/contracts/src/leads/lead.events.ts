import { defineEvent, EventOf, JsonSchema } from '../catalogue/event-definition';
import { dateTimeSchema, requiredTextSchema, textSchema, Urgency, URGENCIES, uuidSchema } from '../tickets/ticket.vocabulary';

// the lead pool: every prospective customer a member's social-media accounts bring in is captured into
// the team's pool (nobody keeps one), allocated by the lead's preset ratios, accepted (or declined, or
// left to time out: then it goes to the next member), and converted into a ticket or lost

export const LEADS_TOPIC = 'support.leads.v1';
export const LEAD_AGGREGATE = 'lead';
export const LEAD_POLICIES_TOPIC = 'support.lead-policies.v1';
export const LEAD_POLICY_AGGREGATE = 'lead-policy';

/** How to reach the prospective customer: at least one of phone / WeChat id (duplicates are merged by these). */
export interface LeadContact {
  phone?: string;
  wechat?: string;
}

/** Where a lead came from: the member whose account brought it in, and the platform and account. */
export interface LeadSource {
  memberId: string;
  platform: string;
  account: string;
}

/** One member's weight in the preset ratios (e.g. 2 : 2 : 1). */
export interface LeadRatio {
  memberId: string;
  weight: number;
}

const memberIdSchema = { ...requiredTextSchema, maxLength: 100 };
const contactSchema: JsonSchema = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: { phone: { ...requiredTextSchema, maxLength: 40 }, wechat: { ...requiredTextSchema, maxLength: 64 } },
};
const sourceSchema: JsonSchema = {
  type: 'object',
  required: ['memberId', 'platform', 'account'],
  additionalProperties: false,
  properties: { memberId: memberIdSchema, platform: { ...requiredTextSchema, maxLength: 50 }, account: { ...requiredTextSchema, maxLength: 200 } },
};

function leadDataSchema(properties: Record<string, JsonSchema>, required: readonly string[] = []): JsonSchema {
  return { type: 'object', required: ['leadId', ...required], additionalProperties: false, properties: { leadId: uuidSchema, ...properties } };
}

export const leadCaptured = defineEvent<
  'support.lead.captured.v1',
  { leadId: string; source: LeadSource; customerHandle: string; contact: LeadContact; note?: string; via: 'rest' | 'webhook' }
>({
  type: 'support.lead.captured.v1',
  topic: LEADS_TOPIC,
  aggregate: LEAD_AGGREGATE,
  description: "A prospective customer entered the team's pool, attributed to the member whose account brought them in.",
  // the handle is the prospect's name on the platform (a conversion takes it as the customer's name)
  personalData: ['/customerHandle', '/contact/phone', '/contact/wechat'],
  schema: leadDataSchema(
    {
      source: sourceSchema,
      customerHandle: { ...requiredTextSchema, maxLength: 200 },
      contact: contactSchema,
      note: { ...textSchema, maxLength: 2000 },
      via: { enum: ['rest', 'webhook'] },
    },
    ['source', 'customerHandle', 'contact', 'via'],
  ),
});

export const leadDuplicateCaptured = defineEvent<'support.lead.duplicate-captured.v1', { leadId: string; source: LeadSource; note?: string }>({
  type: 'support.lead.duplicate-captured.v1',
  topic: LEADS_TOPIC,
  aggregate: LEAD_AGGREGATE,
  description: 'The same contact was captured again (by the same or another member): merged into the first lead, whose source keeps the credit.',
  schema: leadDataSchema({ source: sourceSchema, note: { ...textSchema, maxLength: 2000 } }, ['source']),
});

export const leadAllocated = defineEvent<'support.lead.allocated.v1', { leadId: string; memberId: string; policyVersion: number; acceptBy: string }>({
  type: 'support.lead.allocated.v1',
  topic: LEADS_TOPIC,
  aggregate: LEAD_AGGREGATE,
  description: 'The pool gave the lead to a member by the preset ratios; they accept it by `acceptBy` or it goes to the next member.',
  schema: leadDataSchema({ memberId: memberIdSchema, policyVersion: { type: 'integer', minimum: 1 }, acceptBy: dateTimeSchema }, ['memberId', 'policyVersion', 'acceptBy']),
});

export const leadAccepted = defineEvent<'support.lead.accepted.v1', { leadId: string; memberId: string }>({
  type: 'support.lead.accepted.v1',
  topic: LEADS_TOPIC,
  aggregate: LEAD_AGGREGATE,
  description: 'The member took the lead on: they follow it up until it becomes a ticket or is lost.',
  schema: leadDataSchema({ memberId: memberIdSchema }, ['memberId']),
});

export const leadReturned = defineEvent<'support.lead.returned.v1', { leadId: string; memberId: string; why: 'declined' | 'timed-out'; reason?: string }>({
  type: 'support.lead.returned.v1',
  topic: LEADS_TOPIC,
  aggregate: LEAD_AGGREGATE,
  description: 'The member declined the lead, or did not accept it in time: it is back in the pool, for the next member.',
  schema: leadDataSchema({ memberId: memberIdSchema, why: { enum: ['declined', 'timed-out'] }, reason: { ...textSchema, maxLength: 2000 } }, ['memberId', 'why']),
});

export const leadConverted = defineEvent<
  'support.lead.converted.v1',
  { leadId: string; memberId: string; customer: { name: string } & LeadContact; deviceModel: string; problem: string; urgency: Urgency }
>({
  type: 'support.lead.converted.v1',
  topic: LEADS_TOPIC,
  aggregate: LEAD_AGGREGATE,
  description: 'The lead became work: intake opens a ticket (channel `lead`) caused by this event.',
  personalData: ['/customer/name', '/customer/phone', '/customer/wechat'],
  schema: leadDataSchema(
    {
      memberId: memberIdSchema,
      customer: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: { name: { ...requiredTextSchema, maxLength: 200 }, phone: { ...requiredTextSchema, maxLength: 40 }, wechat: { ...requiredTextSchema, maxLength: 64 } },
      },
      deviceModel: { ...requiredTextSchema, maxLength: 200 },
      problem: { ...requiredTextSchema, maxLength: 10_000 },
      urgency: { enum: [...URGENCIES] },
    },
    ['memberId', 'customer', 'deviceModel', 'problem', 'urgency'],
  ),
});

export const leadLost = defineEvent<'support.lead.lost.v1', { leadId: string; reason: string }>({
  type: 'support.lead.lost.v1',
  topic: LEADS_TOPIC,
  aggregate: LEAD_AGGREGATE,
  description: 'The lead will not become work, with the reason.',
  schema: leadDataSchema({ reason: { ...requiredTextSchema, maxLength: 2000 } }, ['reason']),
});

export const leadHoardingFlagged = defineEvent<'support.lead.hoarding-flagged.v1', { leadId: string; ticketId: string; memberId: string; leadStatus: string }>({
  type: 'support.lead.hoarding-flagged.v1',
  topic: LEADS_TOPIC,
  aggregate: LEAD_AGGREGATE,
  description: "A ticket was opened for this lead's contact while a member held the lead un-accepted: shown on the lead-pool dashboard.",
  schema: leadDataSchema({ ticketId: uuidSchema, memberId: memberIdSchema, leadStatus: requiredTextSchema }, ['ticketId', 'memberId', 'leadStatus']),
});

export const leadRatiosSet = defineEvent<'support.lead.ratios-set.v1', { policyId: string; version: number; ratios: LeadRatio[]; acceptMinutes: number }>({
  type: 'support.lead.ratios-set.v1',
  topic: LEAD_POLICIES_TOPIC,
  aggregate: LEAD_POLICY_AGGREGATE,
  description: 'The lead set the preset ratios (and how long a member has to accept a lead); they apply from now on.',
  schema: {
    type: 'object',
    required: ['policyId', 'version', 'ratios', 'acceptMinutes'],
    additionalProperties: false,
    properties: {
      policyId: requiredTextSchema,
      version: { type: 'integer', minimum: 1 },
      ratios: {
        type: 'array',
        minItems: 1,
        maxItems: 100,
        items: {
          type: 'object',
          required: ['memberId', 'weight'],
          additionalProperties: false,
          properties: { memberId: memberIdSchema, weight: { type: 'integer', minimum: 1, maximum: 1000 } },
        },
      },
      acceptMinutes: { type: 'integer', minimum: 1, maximum: 7 * 24 * 60 },
    },
  },
});

export const leadEvents = [leadCaptured, leadDuplicateCaptured, leadAllocated, leadAccepted, leadReturned, leadConverted, leadLost, leadHoardingFlagged];
export const leadPolicyEvents = [leadRatiosSet];
export type LeadEvent = EventOf<(typeof leadEvents)[number]>;
export type LeadPolicyEvent = EventOf<(typeof leadPolicyEvents)[number]>;
