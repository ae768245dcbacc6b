import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EntityManager } from 'typeorm';
import { Actor, FiledCase, SheetEvent, SlaEvent, TicketEvent, eventCatalogue, SHEETS_TOPIC, SLA_TOPIC, TICKETS_TOPIC } from '@support/contracts';
import { CommandRefusal, notUuid } from '@support/decider';
import { CommandContext, commitChanges, DecidedChange } from '@support/command-handling';
import { lockForTransaction, TransientFailure } from '@support/event-store';
import { ConsumedEvent, EVENT_SCHEMA, EventContext, EventHandlers } from '@support/messaging';
import { KnowledgeViews } from '../persistence/knowledge-views.repository';
import { TicketKnowledgeRepository } from '../persistence/ticket-knowledge.repository';
import { SearchDocument, SearchIndex } from '../search';
import { LibraryCase } from '../domain';
import { AnalysisService } from './analysis.service';
import { KnowledgeAggregates } from './knowledge-aggregates';

const KNOWLEDGE_BASE: Actor = { id: 'knowledge-base', role: 'service' };

/** the consumer retries the event: the aggregate changed between read and append */
export class ConcurrentKnowledgeChange extends TransientFailure {}

/**
 * What the knowledge base learns from other services' events, each in the consumer's transaction:
 * - a diagnosis names a scenario the catalogue does not know and nobody analyses yet: open a case
 *   analysis (due in 3 working days, sla-monitor's clock); and remember the ticket's scenario;
 * - a resolution names the SOP followed (or none): the KCS figures;
 * - an approved service sheet: file it as a case, searchable, linked to the ticket's scenario and SOP
 *   as far as known; a diagnosis or resolution that comes later links the case then;
 * - sla-monitor's clock of an analysis: its due time;
 * - an assignment, dispatch or escalation: who works the ticket (contractors read only their tickets' cases).
 */
@EventHandlers()
export class KnowledgeReactor {
  constructor(
    @Inject(EVENT_SCHEMA) private readonly schema: string,
    private readonly aggregates: KnowledgeAggregates,
    private readonly analyses: AnalysisService,
    private readonly tickets: TicketKnowledgeRepository,
    private readonly views: KnowledgeViews,
    private readonly search: SearchIndex,
  ) {}

  @EventPattern(eventCatalogue.typesOn(TICKETS_TOPIC), { group: 'ticket-events' })
  async onTicketEvent(@Payload() consumed: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    const event = { type: consumed.type, data: consumed.data } as TicketEvent;
    switch (event.type) {
      case 'support.ticket.diagnosed.v1': {
        const { ticketId, scenario, faultCategory } = event.data;
        // one analysis per new scenario, however many tickets are diagnosed with it at the same time
        await lockForTransaction(manager, `${this.schema}:scenario:${scenario}`);
        await this.lockTicket(manager, ticketId);
        const known = (await this.views.scenario(manager, scenario)) !== undefined;
        const analysed = await this.views.hasAnalysis(manager, scenario);
        const opening =
          known || analysed
            ? []
            : [await this.analyses.decideOpening(manager, randomUUID(), { ticketId, scenarioId: scenario, faultCategory, reason: 'new-scenario' }, causeOf(consumed))];
        const links = await this.decideCaseLinks(manager, ticketId, { scenarioId: scenario, faultCategory }, consumed);
        await this.commit(manager, [...opening, ...links]);
        await this.tickets.diagnosed(manager, ticketId, scenario, faultCategory);
        return;
      }
      case 'support.ticket.resolved.v1': {
        const { ticketId, sopId } = event.data;
        await this.lockTicket(manager, ticketId);
        const links = await this.decideCaseLinks(manager, ticketId, linkOf({ sopArticleId: sopId }), consumed);
        await this.commit(manager, links);
        await this.tickets.resolved(manager, ticketId, sopId);
        return;
      }
      case 'support.ticket.reopened.v1':
        await this.tickets.reopened(manager, event.data.ticketId);
        return;
      // who works the ticket decides whether a contractor reads its cases and analyses
      case 'support.ticket.assigned.v1':
      case 'support.ticket.dispatched-to-contractor.v1':
      case 'support.ticket.escalated.v1':
        await this.tickets.assigned(manager, event.data.ticketId, event.data.assignee);
        return;
    }
  }

  @EventPattern(eventCatalogue.typesOn(SHEETS_TOPIC), { group: 'approved-sheets' })
  async onSheetEvent(@Payload() consumed: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    const event = { type: consumed.type, data: consumed.data } as SheetEvent;
    if (event.type !== 'support.sheet.approved.v1') return;
    const { sheetId, ticketId, visitId, kind, contents } = event.data;
    await this.lockTicket(manager, ticketId);
    const ticket = await this.tickets.find(manager, ticketId);
    // one case per approved sheet: its id is the sheet's
    const filed = {
      caseId: sheetId,
      ticketId,
      sheetId,
      ...(visitId ? { visitId } : {}),
      kind,
      ...linkOf(ticket),
      device: contents.device,
      problem: contents.problem,
      diagnosis: contents.diagnosis,
      workDone: contents.workDone,
      result: contents.result,
    };
    const outcome = await this.aggregates.cases.handleIn(
      manager,
      sheetId,
      (at) => ({ type: 'FileCase', caseId: sheetId, case: filed, actor: KNOWLEDGE_BASE, at }),
      causeOf(consumed),
    );
    retryOnConflict(outcome);
    if (outcome.ok) await this.search.upsert(manager, caseDocument(outcome.entity, outcome.version));
  }

  @EventPattern(eventCatalogue.typesOn(SLA_TOPIC), { group: 'analysis-clocks' })
  async onSlaEvent(@Payload() consumed: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    const event = { type: consumed.type, data: consumed.data } as SlaEvent;
    if (event.type !== 'support.sla.clock-started.v1' || event.data.subject.type !== 'analysis') return;
    await this.views.setAnalysisDue(manager, event.data.subject.id, event.data.dueAt);
  }

  /**
   * The sheet's approval (support.sheets.v1) and the ticket's diagnosis and resolution (support.tickets.v1)
   * come on different topics, in either order: what one transaction learns of a ticket, the other sees.
   */
  private async lockTicket(manager: EntityManager, ticketId: string): Promise<void> {
    await lockForTransaction(manager, `${this.schema}:ticket:${ticketId}`);
  }

  /** cases of the ticket filed before this was known here: each gets what it lacked (the decider drops the rest) */
  private async decideCaseLinks(manager: EntityManager, ticketId: string, link: CaseLinkValues, consumed: ConsumedEvent): Promise<Decided[]> {
    if (Object.keys(link).length === 0) return [];
    const filed = await this.views.caseIdsOf(manager, ticketId);
    return Promise.all(
      filed.map((caseId) => this.aggregates.cases.decide(manager, caseId, (at) => ({ type: 'LinkCase', caseId, actor: KNOWLEDGE_BASE, at, ...link }), causeOf(consumed))),
    );
  }

  /**
   * One append for all of an event's changes (the event store wants it first in the transaction), then
   * the search index of linked cases. A refusal skips its change; a conflict retries the whole event.
   */
  private async commit(manager: EntityManager, decided: Decided[]): Promise<void> {
    const changes: Array<DecidedChange<unknown>> = [];
    for (const outcome of decided) {
      if (!('request' in outcome)) retryOnConflict(outcome);
      else if (outcome.request.events.length > 0) changes.push(outcome);
    }
    const committed = await commitChanges(manager, this.aggregates.pipeline, changes);
    retryOnConflict(committed);
    for (const change of changes) {
      if (change.request.streamType === 'case') await this.search.upsert(manager, caseDocument(change.entity as LibraryCase, change.version));
    }
  }
}

type Decided = DecidedChange<unknown> | CommandRefusal;
type CaseLinkValues = Pick<FiledCase, 'scenarioId' | 'faultCategory' | 'sopArticleId'>;

function causeOf(consumed: ConsumedEvent): CommandContext {
  return { actor: KNOWLEDGE_BASE, causationId: consumed.id, correlationId: consumed.correlationId ?? consumed.id };
}

function retryOnConflict(outcome: { ok: true } | CommandRefusal): void {
  if (!outcome.ok && outcome.code === 'version-conflict') throw new ConcurrentKnowledgeChange(outcome.reason);
}

/** what a case takes from the ticket: its scenario and fault category, and the SOP its resolution named */
function linkOf(ticket: CaseLinkValues | undefined): CaseLinkValues {
  return {
    ...(ticket?.scenarioId ? { scenarioId: ticket.scenarioId } : {}),
    ...(ticket?.faultCategory ? { faultCategory: ticket.faultCategory } : {}),
    ...(ticket?.sopArticleId && !notUuid(ticket.sopArticleId, 'sopArticleId') ? { sopArticleId: ticket.sopArticleId } : {}),
  };
}

/** a case as search finds it: by device and problem, diagnosis and work done, tagged with its scenario */
function caseDocument(filed: FiledCase, version: number): SearchDocument {
  return {
    type: 'case',
    id: filed.caseId,
    version,
    title: `${filed.device}: ${filed.problem}`,
    body: `${filed.diagnosis}\n${filed.workDone}`,
    tags: [filed.scenarioId, filed.faultCategory].filter((tag): tag is string => tag !== undefined),
  };
}
