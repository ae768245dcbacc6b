import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { kafkaProbe } from '@support/messaging';
import { postgresProbe, ServiceConfig, ServiceKitModule } from '@support/service-kit';
import { AnalysisService } from './application/analysis.service';
import { ArticleService } from './application/article.service';
import { ScenarioService } from './application/scenario.service';
import { AnalysisController } from './http/analysis.controller';
import { ArticleController } from './http/article.controller';
import { CatalogueController } from './http/catalogue.controller';
import { SearchController } from './http/search.controller';
import { KnowledgeRuntime } from './knowledge.providers';
import { KnowledgeViews } from './persistence/knowledge-views.repository';
import { TicketKnowledgeRepository } from './persistence/ticket-knowledge.repository';
import { SearchIndex } from './search';

@Module({})
export class KnowledgeModule {
  static register(runtime: KnowledgeRuntime, config: ServiceConfig): DynamicModule {
    return {
      module: KnowledgeModule,
      imports: [ServiceKitModule.forRoot({ config, readiness: { probes: [postgresProbe(runtime.dataSource), kafkaProbe(runtime.kafka)] } })],
      controllers: [ArticleController, CatalogueController, AnalysisController, SearchController],
      providers: [
        { provide: DataSource, useValue: runtime.dataSource },
        { provide: ArticleService, useValue: runtime.articles },
        { provide: ScenarioService, useValue: runtime.scenarios },
        { provide: AnalysisService, useValue: runtime.analyses },
        { provide: KnowledgeViews, useValue: runtime.views },
        { provide: TicketKnowledgeRepository, useValue: runtime.tickets },
        { provide: SearchIndex, useValue: runtime.search },
      ],
    };
  }
}
