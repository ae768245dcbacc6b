import { EventCatalogue } from './catalogue/event-catalogue';
import { ticketEvents } from './tickets/ticket.events';
import { customerEvents } from './customers/customer.events';
import { rosterEvents } from './routing/roster.events';
import { routingDecisionEvents } from './routing/routing-decision.events';
import { slaEvents, slaPolicyChanged } from './sla/sla.events';
import { visitEvents } from './field-service/visit.events';
import { sheetEvents } from './field-service/service-sheet.events';
import { articleEvents } from './knowledge/article.events';
import { scenarioEvents } from './knowledge/scenario.events';
import { caseEvents } from './knowledge/case.events';
import { leadEvents, leadPolicyEvents } from './leads/lead.events';
import { auditEvents } from './audit/audit.events';
import { WEBHOOK_SUBSCRIPTIONS_TOPIC, webhookSubscriptionEvents } from './webhooks/webhook-subscription.events';
import { ARTICLES_TOPIC } from './knowledge/article.events';
import { CASES_TOPIC } from './knowledge/case.events';
import { SCENARIOS_TOPIC } from './knowledge/scenario.events';
import { CUSTOMERS_TOPIC } from './customers/customer.events';
import { LEAD_POLICIES_TOPIC, LEADS_TOPIC } from './leads/lead.events';
import { ROSTER_TOPIC } from './routing/roster.events';
import { ROUTING_TOPIC } from './routing/routing-decision.events';
import { SLA_POLICIES_TOPIC, SLA_TOPIC } from './sla/sla.events';
import { SHEETS_TOPIC } from './field-service/service-sheet.events';
import { VISITS_TOPIC } from './field-service/visit.events';
import { TICKETS_TOPIC } from './tickets/ticket.vocabulary';
import { AUDIT_TOPIC } from './audit/audit.events';

/** The public event catalogue: every type, version, schema and topic. */
export const eventCatalogue = new EventCatalogue([
  ...ticketEvents,
  ...customerEvents,
  ...rosterEvents,
  ...routingDecisionEvents,
  ...slaEvents,
  slaPolicyChanged,
  ...visitEvents,
  ...sheetEvents,
  ...articleEvents,
  ...scenarioEvents,
  ...caseEvents,
  ...leadEvents,
  ...leadPolicyEvents,
  ...auditEvents,
  ...webhookSubscriptionEvents,
]);

/**
 * The one service that writes each aggregate family's topic (ARCHITECTURE.md "Services"): a consumer
 * parks an event whose `ce_source` is another, so a misconfigured or forged producer is loud. The audit
 * topic has no single owner: every service anchors its own streams there, and anchors carry signatures.
 */
export const TOPIC_OWNERS: Readonly<Record<string, string>> = {
  [TICKETS_TOPIC]: 'intake',
  [CUSTOMERS_TOPIC]: 'intake',
  [WEBHOOK_SUBSCRIPTIONS_TOPIC]: 'intake',
  [ROUTING_TOPIC]: 'routing',
  [ROSTER_TOPIC]: 'routing',
  [SLA_TOPIC]: 'sla-monitor',
  [SLA_POLICIES_TOPIC]: 'sla-monitor',
  [VISITS_TOPIC]: 'field-service',
  [SHEETS_TOPIC]: 'field-service',
  [ARTICLES_TOPIC]: 'knowledge-base',
  [SCENARIOS_TOPIC]: 'knowledge-base',
  [CASES_TOPIC]: 'knowledge-base',
  [LEADS_TOPIC]: 'lead-pool',
  [LEAD_POLICIES_TOPIC]: 'lead-pool',
};

/**
 * The topics each service consumes (ARCHITECTURE.md "reacts to"). With {@link TOPIC_OWNERS} it is the
 * Kafka access each service's principal is given: write what it owns, read what it consumes, nothing more.
 */
export const SERVICE_SUBSCRIPTIONS: Readonly<Record<string, readonly string[]>> = {
  // its own tickets: the webhook deliverer is fed from the topic, where every ticket's events are in order
  intake: [TICKETS_TOPIC, ROUTING_TOPIC, SLA_TOPIC, VISITS_TOPIC, SHEETS_TOPIC, LEADS_TOPIC, AUDIT_TOPIC],
  routing: [TICKETS_TOPIC, SCENARIOS_TOPIC],
  'sla-monitor': [TICKETS_TOPIC, VISITS_TOPIC, SHEETS_TOPIC, CASES_TOPIC],
  // customers: an erased customer's visits and sheets sealed under a ticket's own key are erased too
  'field-service': [TICKETS_TOPIC, CUSTOMERS_TOPIC],
  'knowledge-base': [TICKETS_TOPIC, SHEETS_TOPIC, SLA_TOPIC],
  // customers: an erased customer's leads are erased too
  'lead-pool': [ROSTER_TOPIC, TICKETS_TOPIC, CUSTOMERS_TOPIC],
  // the read models of everything
  dashboard: eventCatalogue.topics(),
};
