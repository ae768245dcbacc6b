import { PlatformRuntime, PlatformSettings, startPlatform } from '@support/service-kit';
import { AnalysisService } from './application/analysis.service';
import { ArticleService } from './application/article.service';
import { ScenarioService } from './application/scenario.service';
import { KnowledgeBaseModule } from './knowledge-base.module';
import { knowledgeMigrations } from './persistence/knowledge.migrations';
import { KnowledgeViews } from './persistence/knowledge-views.repository';
import { TicketKnowledgeRepository } from './persistence/ticket-knowledge.repository';
import { SearchIndex } from './search';

export const SERVICE_NAME = 'knowledge-base';

export type KnowledgeSettings = PlatformSettings;

export interface KnowledgeRuntime extends PlatformRuntime {
  articles: ArticleService;
  scenarios: ScenarioService;
  analyses: AnalysisService;
  views: KnowledgeViews;
  tickets: TicketKnowledgeRepository;
  search: SearchIndex;
}

/** The knowledge base on the support platform: Nest builds it from {@link KnowledgeBaseModule}; these are its parts tests reach for. */
export async function startKnowledgeRuntime(settings: KnowledgeSettings, onError: (error: unknown) => void): Promise<KnowledgeRuntime> {
  const platform = await startPlatform(KnowledgeBaseModule, { service: SERVICE_NAME, settings, onError, migrations: knowledgeMigrations });
  const { context } = platform;
  return {
    ...platform,
    articles: context.get(ArticleService),
    scenarios: context.get(ScenarioService),
    analyses: context.get(AnalysisService),
    views: context.get(KnowledgeViews),
    tickets: context.get(TicketKnowledgeRepository),
    search: context.get(SearchIndex),
  };
}
