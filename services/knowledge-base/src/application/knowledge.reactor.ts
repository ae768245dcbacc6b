import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Actor, CommandRefusal, SheetEvent, SlaEvent, TicketEvent } from '@support/contracts';
import { CommandContext, lockForTransaction } from '@support/event-store';
import { ConsumedEvent } from '@support/messaging';
import { KnowledgeViews } from '../persistence/knowledge-views.repository';
import { TicketKnowledgeRepository } from '../persistence/ticket-knowledge.repository';
import { SearchIndex } from '../search';
import { AnalysisService } from './analysis.service';
import { KnowledgeAggregates } from './knowledge-aggregates';

const KNOWLEDGE_BASE: Actor = { id: 'knowledge-base', role: 'service' };

/** the consumer retries the event: the aggregate changed between read and append */
export class ConcurrentKnowledgeChange extends Error {}

/**
 * What the knowledge base learns from other services' events, each in the consumer's transaction:
 * - a diagnosis names a scenario the catalogue does not know and nobody analyses yet: open a case
 *   analysis (due in 3 working days, sla-monitor's clock); and remember the ticket's scenario;
 * - a resolution names the SOP followed (or none): the KCS figures;
 * - an approved service sheet: file it as a case, searchable;
 * - sla-monitor's clock of an analysis: its due time.
 */
export class KnowledgeReactor {
  constructor(
    private readonly schema: string,
    private readonly aggregates: KnowledgeAggregates,
    private readonly analyses: AnalysisService,
    private readonly tickets: TicketKnowledgeRepository,
    private readonly views: KnowledgeViews,
    private readonly search: SearchIndex,
  ) {}

  readonly onTicketEvent = async (consumed: ConsumedEvent, manager: EntityManager): Promise<void> => {
    const event = { type: consumed.type, data: consumed.data } as TicketEvent;
    switch (event.type) {
      case 'support.ticket.diagnosed.v1': {
        const { ticketId, scenario, faultCategory } = event.data;
        // one analysis per new scenario, however many tickets are diagnosed with it at the same time
        await lockForTransaction(manager, `${this.schema}:scenario:${scenario}`);
        const known = (await this.views.scenario(manager, scenario)) !== undefined;
        const analysed = (await this.views.findAnalyses(manager, { scenarioId: scenario })).length > 0;
        if (!known && !analysed) {
          const opened = await this.analyses.openIn(manager, randomUUID(), { ticketId, scenarioId: scenario, faultCategory, reason: 'new-scenario' }, causeOf(consumed));
          retryOnConflict(opened);
        }
        await this.tickets.diagnosed(manager, ticketId, scenario, faultCategory);
        return;
      }
      case 'support.ticket.resolved.v1':
        await this.tickets.resolved(manager, event.data.ticketId, event.data.sopId);
        return;
      case 'support.ticket.reopened.v1':
        await this.tickets.reopened(manager, event.data.ticketId);
        return;
    }
  };

  readonly onSheetEvent = async (consumed: ConsumedEvent, manager: EntityManager): Promise<void> => {
    const event = { type: consumed.type, data: consumed.data } as SheetEvent;
    if (event.type !== 'support.sheet.approved.v1') return;
    const { sheetId, ticketId, visitId, kind, contents } = event.data;
    const ticket = await this.tickets.find(manager, ticketId);
    // one case per approved sheet: its id is the sheet's
    const filed = {
      caseId: sheetId,
      ticketId,
      sheetId,
      ...(visitId ? { visitId } : {}),
      kind,
      ...(ticket?.scenarioId ? { scenarioId: ticket.scenarioId } : {}),
      ...(ticket?.faultCategory ? { faultCategory: ticket.faultCategory } : {}),
      ...(ticket?.sopArticleId && isUuid(ticket.sopArticleId) ? { sopArticleId: ticket.sopArticleId } : {}),
      device: contents.device,
      problem: contents.problem,
      diagnosis: contents.diagnosis,
      workDone: contents.workDone,
      result: contents.result,
    };
    const outcome = await this.aggregates.cases.executeIn(manager, sheetId, (at) => ({ type: 'FileCase', caseId: sheetId, case: filed, actor: KNOWLEDGE_BASE, at }), causeOf(consumed));
    retryOnConflict(outcome);
    if (!outcome.ok) return;
    await this.search.upsert(manager, {
      type: 'case',
      id: sheetId,
      version: 1,
      title: `${contents.device}: ${contents.problem}`,
      body: `${contents.diagnosis}\n${contents.workDone}`,
      tags: [ticket?.scenarioId, ticket?.faultCategory].filter((tag): tag is string => tag !== undefined),
    });
  };

  readonly onSlaEvent = async (consumed: ConsumedEvent, manager: EntityManager): Promise<void> => {
    const event = { type: consumed.type, data: consumed.data } as SlaEvent;
    if (event.type !== 'support.sla.clock-started.v1' || event.data.subject.type !== 'analysis') return;
    await this.views.setAnalysisDue(manager, event.data.subject.id, event.data.dueAt);
  };
}

function causeOf(consumed: ConsumedEvent): CommandContext {
  return { actor: KNOWLEDGE_BASE, causationId: consumed.id, correlationId: consumed.correlationId ?? consumed.id };
}

function retryOnConflict(outcome: { ok: true } | CommandRefusal): void {
  if (!outcome.ok && outcome.code === 'version-conflict') throw new ConcurrentKnowledgeChange(outcome.reason);
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
