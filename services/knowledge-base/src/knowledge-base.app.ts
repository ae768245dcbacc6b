import { ServiceDefinition } from '@support/service-kit';
import { KnowledgeModule } from './knowledge.module';
import { KnowledgeRuntime, SERVICE_NAME, startKnowledgeRuntime } from './knowledge.providers';
import { KNOWLEDGE_SCHEMA } from './persistence/knowledge.migrations';

export const knowledgeBaseService: ServiceDefinition<KnowledgeRuntime> = {
  serviceName: SERVICE_NAME,
  port: 3005,
  schema: KNOWLEDGE_SCHEMA,
  startRuntime: startKnowledgeRuntime,
  rootModule: (runtime, config) => KnowledgeModule.register(runtime, config),
  openApi: {
    title: 'knowledge-base',
    version: '1.0',
    description: 'SOP and FAQ articles (versioned, reviewed), the scenario catalogue, the case library, case analyses, search in Chinese and English, KCS figures.',
  },
  // an SOP's body may be long
  bodyLimit: '256kb',
};
