import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@support/contracts';
import { DeciderEvent } from '@support/decider';
import { AppendPipeline, CommandHandler } from '@support/command-handling';
import { CLOCK } from '@support/service-kit';
import {
  Article,
  ArticleCommand,
  articleDecider,
  articleExists,
  ArticleState,
  CaseAnalysis,
  CaseAnalysisCommand,
  caseAnalysisDecider,
  caseAnalysisExists,
  CaseAnalysisState,
  CaseCommand,
  caseDecider,
  caseExists,
  CaseState,
  CatalogueScenario,
  LibraryCase,
  ScenarioCommand,
  scenarioDecider,
  scenarioExists,
  ScenarioState,
} from '../domain';
import { KnowledgeViews } from '../persistence/knowledge-views.repository';

/** The knowledge base's four aggregates, each with its stream type, decider and read model. */
@Injectable()
export class KnowledgeAggregates {
  readonly articles: CommandHandler<ArticleCommand, DeciderEvent<typeof articleDecider>, ArticleState, Article>;
  readonly scenarios: CommandHandler<ScenarioCommand, DeciderEvent<typeof scenarioDecider>, ScenarioState, CatalogueScenario>;
  readonly analyses: CommandHandler<CaseAnalysisCommand, DeciderEvent<typeof caseAnalysisDecider>, CaseAnalysisState, CaseAnalysis>;
  readonly cases: CommandHandler<CaseCommand, DeciderEvent<typeof caseDecider>, CaseState, LibraryCase>;

  constructor(
    readonly pipeline: AppendPipeline,
    @Inject(CLOCK) clock: Clock,
    views: KnowledgeViews,
  ) {
    this.articles = new CommandHandler(pipeline, clock, {
      streamType: 'article',
      decider: articleDecider,
      exists: articleExists,
      saveView: (m, a, v) => views.saveArticle(m, a, v),
    });
    this.scenarios = new CommandHandler(pipeline, clock, {
      streamType: 'scenario',
      decider: scenarioDecider,
      exists: scenarioExists,
      saveView: (m, s, v) => views.saveScenario(m, s, v),
    });
    this.analyses = new CommandHandler(pipeline, clock, {
      streamType: 'case-analysis',
      decider: caseAnalysisDecider,
      exists: caseAnalysisExists,
      saveView: (m, a, v) => views.saveAnalysis(m, a, v),
    });
    this.cases = new CommandHandler(pipeline, clock, { streamType: 'case', decider: caseDecider, exists: caseExists, saveView: (m, c) => views.saveCase(m, c) });
  }
}
