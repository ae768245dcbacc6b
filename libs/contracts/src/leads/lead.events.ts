import { dataSchemaWith, defineEvent, EventOf, SchemaType } from '../catalogue/event-definition';
import { dateTimeSchema, requiredTextSchema, textSchema, URGENCIES, uuidSchema } from '../tickets/ticket.vocabulary';

// the lead pool: every prospective customer a member's social-media accounts bring in is captured into
// the team's pool (nobody keeps one), allocated by the lead's preset ratios, accepted (or declined, or
// left to time out: then it goes to the next member), and converted into a ticket or lost

export const LEADS_TOPIC = 'support.leads.v1';
export const LEAD_AGGREGATE = 'lead';
export const LEAD_POLICIES_TOPIC = 'support.lead-policies.v1';
export const LEAD_POLICY_AGGREGATE = 'lead-policy';

const memberIdSchema = { ...requiredTextSchema, maxLength: 100 } as const;
const contactSchema = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: { phone: { ...requiredTextSchema, maxLength: 40 }, wechat: { ...requiredTextSchema, maxLength: 64 } },
} as const;
const sourceSchema = {
  type: 'object',
  required: ['memberId', 'platform', 'account'],
  additionalProperties: false,
  properties: { memberId: memberIdSchema, platform: { ...requiredTextSchema, maxLength: 50 }, account: { ...requiredTextSchema, maxLength: 200 } },
} as const;
const ratioSchema = {
  type: 'object',
  required: ['memberId', 'weight'],
  additionalProperties: false,
  properties: { memberId: memberIdSchema, weight: { type: 'integer', minimum: 1, maximum: 1000 } },
} as const;

/** How to reach the prospective customer: at least one of phone / WeChat id (duplicates are merged by these). */
export type LeadContact = SchemaType<typeof contactSchema>;

/** Where a lead came from: the member whose account brought it in, and the platform and account. */
export type LeadSource = SchemaType<typeof sourceSchema>;

/** One member's weight in the preset ratios (e.g. 2 : 2 : 1). */
export type LeadRatio = SchemaType<typeof ratioSchema>;

const leadDataSchema = dataSchemaWith({ leadId: uuidSchema }, ['leadId']);

export const leadCaptured = defineEvent({
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

export const leadDuplicateCaptured = defineEvent({
  type: 'support.lead.duplicate-captured.v1',
  topic: LEADS_TOPIC,
  aggregate: LEAD_AGGREGATE,
  description: 'The same contact was captured again (by the same or another member): merged into the first lead, whose source keeps the credit.',
  schema: leadDataSchema({ source: sourceSchema, note: { ...textSchema, maxLength: 2000 } }, ['source']),
});

export const leadAllocated = defineEvent({
  type: 'support.lead.allocated.v1',
  topic: LEADS_TOPIC,
  aggregate: LEAD_AGGREGATE,
  description: 'The pool gave the lead to a member by the preset ratios; they accept it by `acceptBy` or it goes to the next member.',
  schema: leadDataSchema({ memberId: memberIdSchema, policyVersion: { type: 'integer', minimum: 1 }, acceptBy: dateTimeSchema }, ['memberId', 'policyVersion', 'acceptBy']),
});

export const leadAccepted = defineEvent({
  type: 'support.lead.accepted.v1',
  topic: LEADS_TOPIC,
  aggregate: LEAD_AGGREGATE,
  description: 'The member took the lead on: they follow it up until it becomes a ticket or is lost.',
  schema: leadDataSchema({ memberId: memberIdSchema }, ['memberId']),
});

export const leadReturned = defineEvent({
  type: 'support.lead.returned.v1',
  topic: LEADS_TOPIC,
  aggregate: LEAD_AGGREGATE,
  description: 'The member declined the lead, or did not accept it in time: it is back in the pool, for the next member.',
  schema: leadDataSchema({ memberId: memberIdSchema, why: { enum: ['declined', 'timed-out'] }, reason: { ...textSchema, maxLength: 2000 } }, ['memberId', 'why']),
});

export const leadConverted = defineEvent({
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

export const leadLost = defineEvent({
  type: 'support.lead.lost.v1',
  topic: LEADS_TOPIC,
  aggregate: LEAD_AGGREGATE,
  description: 'The lead will not become work, with the reason.',
  schema: leadDataSchema({ reason: { ...requiredTextSchema, maxLength: 2000 } }, ['reason']),
});

export const leadHoardingFlagged = defineEvent({
  type: 'support.lead.hoarding-flagged.v1',
  topic: LEADS_TOPIC,
  aggregate: LEAD_AGGREGATE,
  description: "A ticket was opened for this lead's contact while a member held the lead un-accepted: shown on the lead-pool dashboard.",
  schema: leadDataSchema({ ticketId: uuidSchema, memberId: memberIdSchema, leadStatus: requiredTextSchema }, ['ticketId', 'memberId', 'leadStatus']),
});

export const leadErased = defineEvent({
  type: 'support.lead.erased.v1',
  topic: LEADS_TOPIC,
  aggregate: LEAD_AGGREGATE,
  description:
    "The prospect's personal data was erased (crypto-shredding): the lead pool destroyed the lead's data key, so the handle, contact and converted customer it sealed with it read `[erased]`; the hash chain is untouched. Consumers holding copies (of the lead's support.lead.captured.v1 and support.lead.converted.v1) drop them.",
  schema: leadDataSchema(
    {
      reason: { ...requiredTextSchema, maxLength: 2000, description: 'why, e.g. the prospect asked to be forgotten' },
      customerId: { ...uuidSchema, description: 'the customer whose erasure (support.customer.erased.v1) this follows, when it does' },
    },
    ['reason'],
  ),
});

export const leadRatiosSet = defineEvent({
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
        items: ratioSchema,
      },
      acceptMinutes: { type: 'integer', minimum: 1, maximum: 7 * 24 * 60 },
    },
  },
});

export const leadEvents = [leadCaptured, leadDuplicateCaptured, leadAllocated, leadAccepted, leadReturned, leadConverted, leadLost, leadHoardingFlagged, leadErased];
export const leadPolicyEvents = [leadRatiosSet];
export type LeadEvent = EventOf<(typeof leadEvents)[number]>;
export type LeadPolicyEvent = EventOf<(typeof leadPolicyEvents)[number]>;
