import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, ArticleKind } from '@support/contracts';
import { CommandRefusal } from '@support/decider';
import { CommandContext, commitChanges, DecidedChange, IdempotencyStore, OnceOutcome } from '@support/command-handling';
import { CaseAnalysis, CaseAnalysisCommand, caseAnalysisExists, scenarioExists } from '../domain';
import { PageRequest, SortKey } from '@support/service-kit';
import { ANALYSIS_CURSOR, KnowledgeViews, View } from '../persistence/knowledge-views.repository';
import { Created } from './article.service';
import { KnowledgeAggregates } from './knowledge-aggregates';
import { readerScope } from './reader-scope';

/** What an analysis concludes: the SOP or FAQ entry it writes (new, or a new version of an existing one). */
export interface AnalysisClosure {
  conclusion: string;
  article?: { articleId?: string; kind: ArticleKind; title: string; body: string; tags: string[] };
}

export type ClosedAnalysis = { ok: true; analysis: CaseAnalysis; version: number; articleId?: string; scenarioDefined: boolean } | CommandRefusal;

/**
 * Case analyses: opened for a scenario the catalogue does not know yet (by the ticket reactor) or for a
 * complex case (by a lead or senior), due in 3 working days (sla-monitor's clock); closing one writes
 * its SOP / FAQ entry as a draft for review and puts the scenario in the catalogue, atomically.
 */
@Injectable()
export class AnalysisService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly aggregates: KnowledgeAggregates,
    private readonly views: KnowledgeViews,
    private readonly idempotency: IdempotencyStore,
  ) {}

  /** a lead or senior asks for the analysis of a complex case: once per Idempotency-Key */
  async open(
    input: { ticketId: string; scenarioId: string; faultCategory: string },
    context: CommandContext,
    idempotencyKey?: string,
  ): Promise<OnceOutcome<Created, CommandRefusal>> {
    return this.idempotency.once<Created, CommandRefusal>(this.dataSource, { operation: 'open-analysis', caller: context.actor.id }, idempotencyKey, input, async (manager) => {
      const analysisId = randomUUID();
      const outcome = await this.openIn(manager, analysisId, { ...input, reason: 'complex-case' }, context);
      if (!outcome.ok) return { refused: outcome };
      return { status: 201, body: { id: analysisId, status: outcome.entity.status, version: outcome.version } };
    });
  }

  openIn(manager: EntityManager, analysisId: string, input: AnalysisOpening, context: CommandContext) {
    return this.aggregates.analyses.handleIn(manager, analysisId, (at) => openAnalysis(analysisId, input, context, at), context);
  }

  /** the opening decided, not written: for a caller that commits it with other changes in one append */
  decideOpening(manager: EntityManager, analysisId: string, input: AnalysisOpening, context: CommandContext) {
    return this.aggregates.analyses.decide(manager, analysisId, (at) => openAnalysis(analysisId, input, context, at), context);
  }

  async close(analysisId: string, closure: AnalysisClosure, context: CommandContext): Promise<ClosedAnalysis> {
    return this.dataSource.transaction(async (manager) => {
      const { state } = await this.aggregates.analyses.load(manager, analysisId);
      if (!caseAnalysisExists(state)) return { ok: false as const, code: 'not-found' as const, reason: `analysis ${analysisId} not found` };
      const changes: Array<DecidedChange<unknown>> = [];
      const refusal = (decided: DecidedChange<unknown> | CommandRefusal): CommandRefusal | undefined => ('request' in decided ? (changes.push(decided), undefined) : decided);

      const articleId = closure.article ? (closure.article.articleId ?? randomUUID()) : undefined;
      if (closure.article && articleId) {
        const { articleId: existing, ...content } = closure.article;
        const written = { title: content.title, body: content.body, tags: content.tags, ...(content.kind === 'sop' ? { scenarioId: state.scenarioId } : {}) };
        const refused = refusal(
          await this.aggregates.articles.decide(
            manager,
            articleId,
            (at) =>
              existing
                ? { type: 'ReviseArticle', articleId, ...written, actor: context.actor, at }
                : { type: 'DraftArticle', articleId, kind: content.kind, ...written, actor: context.actor, at },
            { actor: context.actor, causationId: context.causationId, correlationId: context.correlationId },
          ),
        );
        if (refused) return refused;
      }
      const catalogue = await this.aggregates.scenarios.load(manager, state.scenarioId);
      const scenarioDefined = !scenarioExists(catalogue.state);
      if (scenarioDefined) {
        const sop = closure.article?.kind === 'sop' ? { sopArticleId: articleId as string } : {};
        const refused = refusal(
          await this.aggregates.scenarios.decide(
            manager,
            state.scenarioId,
            (at) => ({
              type: 'DefineScenario',
              scenarioId: state.scenarioId,
              faultCategory: state.faultCategory,
              name: closure.article?.title ?? state.scenarioId,
              // a new scenario is never contractor-safe until a lead says so
              fixed: false,
              ...sop,
              actor: context.actor,
              at,
            }),
            { actor: context.actor, causationId: context.causationId, correlationId: context.correlationId },
          ),
        );
        if (refused) return refused;
      }
      const closing = await this.aggregates.analyses.decide(
        manager,
        analysisId,
        (at) => ({
          type: 'CloseAnalysis',
          analysisId,
          conclusion: closure.conclusion,
          ...(articleId ? { articleId } : {}),
          scenarioId: state.scenarioId,
          actor: context.actor,
          at,
        }),
        context,
      );
      if (!('request' in closing)) return closing;
      changes.push(closing);
      const committed = await commitChanges(manager, this.aggregates.pipeline, changes);
      if (!committed.ok) return committed;
      return { ok: true as const, analysis: closing.entity, version: closing.version, ...(articleId ? { articleId } : {}), scenarioDefined };
    });
  }

  /** the analysis, or nothing when there is none or the reader may not see it (a contractor: not their ticket) */
  find(analysisId: string, reader: Actor): Promise<(View<CaseAnalysis> & { dueAt?: string }) | undefined> {
    return this.views.analysis(this.dataSource, analysisId, readerScope(reader));
  }

  list(filter: { status?: string; scenarioId?: string }, page: PageRequest<SortKey<typeof ANALYSIS_CURSOR>>, reader: Actor) {
    return this.views.findAnalyses(this.dataSource, { ...filter, ...readerScope(reader) }, page);
  }

  /** its events, or none when there is no such analysis or the reader may not see it */
  async history(analysisId: string, reader: Actor) {
    if (!(await this.find(analysisId, reader))) return [];
    return this.aggregates.analyses.history(this.dataSource, analysisId);
  }
}

export interface AnalysisOpening {
  ticketId: string;
  scenarioId: string;
  faultCategory: string;
  reason: 'new-scenario' | 'complex-case';
}

function openAnalysis(analysisId: string, input: AnalysisOpening, context: CommandContext, at: Date): CaseAnalysisCommand {
  return { type: 'OpenAnalysis', analysisId, ...input, actor: context.actor, at };
}
