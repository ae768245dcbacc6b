import { DataSource } from 'typeorm';
import { Clock, eventCatalogue, systemClock } from '@support/contracts';
import { AnswersOnDataSource, AppendPipeline, IdempotencyStore } from '@support/command-handling';
import { EventStore, loadSigningKey, openServiceDataSource } from '@support/event-store';
import { createKafka, MessagingClient, ensureTopics, EventConsumer, EventConsumerTransport, Outbox, OutboxRelay, startEventHandlers, KafkaConnection, topicsWrittenBy } from '@support/messaging';
import { AnalysisService } from './application/analysis.service';
import { ArticleService } from './application/article.service';
import { KnowledgeAggregates } from './application/knowledge-aggregates';
import { KnowledgeReactor } from './application/knowledge.reactor';
import { ScenarioService } from './application/scenario.service';
import { knowledgeMigrations } from './persistence/knowledge.migrations';
import { KnowledgeViews } from './persistence/knowledge-views.repository';
import { TicketKnowledgeRepository } from './persistence/ticket-knowledge.repository';
import { SearchIndex } from './search';

export const SERVICE_NAME = 'knowledge-base';

export interface KnowledgeSettings {
  /** the service's runtime role */
  databaseUrl: string;
  /** the owner's URL: migrate the schema and grant the runtime role first (tests; services never get it) */
  migrationDatabaseUrl?: string;
  kafka: KafkaConnection;
  schema: string;
  clock?: Clock;
  /** a new consumer group reads topics from the beginning (default) or only what comes next (tests) */
  consumeFromBeginning?: boolean;
  /** join the consumer groups in the background instead of waiting for them (a service's main: HTTP first) */
  joinConsumersInBackground?: boolean;
  /** how long an Idempotency-Key's answer is replayed (IDEMPOTENCY_KEY_TTL_SECONDS); left out: 24 h */
  idempotencyKeyTtlSeconds?: number;
}

export interface KnowledgeRuntime {
  dataSource: DataSource;
  kafka: MessagingClient;
  articles: ArticleService;
  scenarios: ScenarioService;
  analyses: AnalysisService;
  views: KnowledgeViews;
  tickets: TicketKnowledgeRepository;
  search: SearchIndex;
  close(): Promise<void>;
  /** its consumer groups, whose parked events `/v1/dead-letters` shows and replays */
  deadLetters: readonly EventConsumer[];
  /** first answers by Idempotency-Key, which every other POST of the service honours through the kit */
  idempotentAnswers: AnswersOnDataSource;
}

export async function startKnowledgeRuntime(settings: KnowledgeSettings, onError: (error: unknown) => void): Promise<KnowledgeRuntime> {
  const { schema } = settings;
  const clock = settings.clock ?? systemClock;
  const dataSource = await openServiceDataSource({ databaseUrl: settings.databaseUrl, migrationDatabaseUrl: settings.migrationDatabaseUrl, schema, migrations: knowledgeMigrations(schema) });
  const kafka = createKafka(SERVICE_NAME, settings.kafka);
  await ensureTopics(kafka, topicsWrittenBy(SERVICE_NAME));
  const store = new EventStore(schema, eventCatalogue);
  const pipeline = new AppendPipeline(store, { listeners: [new Outbox(schema, SERVICE_NAME, eventCatalogue)] });
  const views = new KnowledgeViews(schema);
  const tickets = new TicketKnowledgeRepository(schema);
  const search = new SearchIndex(schema);
  const aggregates = new KnowledgeAggregates(pipeline, clock, views);
  const idempotency = new IdempotencyStore(schema, { ttlSeconds: settings.idempotencyKeyTtlSeconds, clock });
  const analyses = new AnalysisService(dataSource, aggregates, views, idempotency);
  const relay = new OutboxRelay({ schema, databaseUrl: settings.databaseUrl, kafka, onError, anchors: { service: SERVICE_NAME, key: loadSigningKey(SERVICE_NAME) } });
  const consumers = new EventConsumerTransport({ schema, kafka, dataSource, catalogue: eventCatalogue, onError, fromBeginning: settings.consumeFromBeginning, inBackground: settings.joinConsumersInBackground });
  await relay.start();
  const reactions = await startEventHandlers(
    consumers,
    [KnowledgeReactor],
    [
      { provide: KnowledgeAggregates, useValue: aggregates },
      { provide: AnalysisService, useValue: analyses },
      { provide: TicketKnowledgeRepository, useValue: tickets },
      { provide: KnowledgeViews, useValue: views },
      { provide: SearchIndex, useValue: search },
    ],
  );
  return {
    idempotentAnswers: idempotency.answersOn(dataSource),
    deadLetters: consumers.consumers,
    dataSource,
    kafka,
    articles: new ArticleService(dataSource, aggregates, views, search, idempotency),
    scenarios: new ScenarioService(dataSource, aggregates, views),
    analyses,
    views,
    tickets,
    search,
    async close() {
      await reactions.close();
      await relay.stop();
      await dataSource.destroy();
    },
  };
}
