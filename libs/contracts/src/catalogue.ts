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

/** The public event catalogue: every type, version, schema and topic. */
export const eventCatalogue = new EventCatalogue([...ticketEvents, ...customerEvents, ...rosterEvents, ...routingDecisionEvents, ...slaEvents, slaPolicyChanged, ...visitEvents, ...sheetEvents, ...articleEvents, ...scenarioEvents, ...caseEvents, ...leadEvents, ...leadPolicyEvents, ...auditEvents]);
