import { ServiceDefinition } from '@support/service-kit';
import { AnalysisController } from './http/analysis.controller';
import { ArticleController } from './http/article.controller';
import { CatalogueController } from './http/catalogue.controller';
import { SearchController } from './http/search.controller';
import { KnowledgeRuntime, SERVICE_NAME, startKnowledgeRuntime } from './knowledge-base.providers';
import { KNOWLEDGE_SCHEMA } from './persistence/knowledge.migrations';

export const knowledgeBaseService: ServiceDefinition<KnowledgeRuntime> = {
  serviceName: SERVICE_NAME,
  port: 3005,
  schema: KNOWLEDGE_SCHEMA,
  startRuntime: startKnowledgeRuntime,
  controllers: [ArticleController, CatalogueController, AnalysisController, SearchController],
  openApi: {
    title: 'knowledge-base',
    version: '1.0',
    description: 'SOP and FAQ articles (versioned, reviewed), the scenario catalogue, the case library, case analyses, search in Chinese and English, KCS figures.',
  },
  // an SOP's body may be long
  bodyLimit: '256kb',
};
