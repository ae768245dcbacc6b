import { Clock, DeciderEvent } from '@support/contracts';
import { AggregateCommands, EventStore } from '@support/event-store';
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
export class KnowledgeAggregates {
  readonly articles: AggregateCommands<ArticleCommand, DeciderEvent<typeof articleDecider>, ArticleState, Article>;
  readonly scenarios: AggregateCommands<ScenarioCommand, DeciderEvent<typeof scenarioDecider>, ScenarioState, CatalogueScenario>;
  readonly analyses: AggregateCommands<CaseAnalysisCommand, DeciderEvent<typeof caseAnalysisDecider>, CaseAnalysisState, CaseAnalysis>;
  readonly cases: AggregateCommands<CaseCommand, DeciderEvent<typeof caseDecider>, CaseState, LibraryCase>;

  constructor(
    readonly store: EventStore,
    clock: Clock,
    views: KnowledgeViews,
  ) {
    this.articles = new AggregateCommands(store, clock, { streamType: 'article', decider: articleDecider, exists: articleExists, saveView: (m, a, v) => views.saveArticle(m, a, v) });
    this.scenarios = new AggregateCommands(store, clock, { streamType: 'scenario', decider: scenarioDecider, exists: scenarioExists, saveView: (m, s, v) => views.saveScenario(m, s, v) });
    this.analyses = new AggregateCommands(store, clock, { streamType: 'case-analysis', decider: caseAnalysisDecider, exists: caseAnalysisExists, saveView: (m, a, v) => views.saveAnalysis(m, a, v) });
    this.cases = new AggregateCommands(store, clock, { streamType: 'case', decider: caseDecider, exists: caseExists, saveView: (m, c) => views.saveCase(m, c) });
  }
}
