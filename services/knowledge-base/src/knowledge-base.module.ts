import { Module } from '@nestjs/common';
import { schemaBound } from '@support/service-kit';
import { AnalysisService } from './application/analysis.service';
import { ArticleService } from './application/article.service';
import { KnowledgeAggregates } from './application/knowledge-aggregates';
import { KnowledgeReactor } from './application/knowledge.reactor';
import { ScenarioService } from './application/scenario.service';
import { KnowledgeViews } from './persistence/knowledge-views.repository';
import { TicketKnowledgeRepository } from './persistence/ticket-knowledge.repository';
import { SearchIndex } from './search';

/** The knowledge base's own providers and event handlers, on the support platform's (database, pipeline, clock, ...). */
@Module({
  providers: [...schemaBound(KnowledgeViews, TicketKnowledgeRepository, SearchIndex), KnowledgeAggregates, AnalysisService, ArticleService, ScenarioService],
  controllers: [KnowledgeReactor],
  exports: [ArticleService, ScenarioService, AnalysisService, KnowledgeViews, TicketKnowledgeRepository, SearchIndex],
})
export class KnowledgeBaseModule {}
