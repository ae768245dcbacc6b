import { DataSource } from 'typeorm';
import { Clock, eventCatalogue, systemClock } from '@support/contracts';
import { AnswersOnDataSource, AppendPipeline, IdempotencyStore } from '@support/command-handling';
import { EventStore, loadSigningKey, openServiceDataSource } from '@support/event-store';
import { createKafka, MessagingClient, ensureTopics, EventConsumer, EventConsumerTransport, Outbox, OutboxRelay, startEventHandlers, KafkaConnection, topicsWrittenBy } from '@support/messaging';
import { KnownTicketsProjector } from './projections/known-tickets.projector';
import { SheetService } from './application/sheet.service';
import { VisitService } from './application/visit.service';
import { FieldViewsRepository } from './persistence/field-views.repository';
import { fieldServiceMigrations } from './persistence/field-service.migrations';
import { KnownTicketsRepository } from './persistence/known-tickets.repository';

export const SERVICE_NAME = 'field-service';

export interface FieldServiceSettings {
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

export interface FieldServiceRuntime {
  dataSource: DataSource;
  kafka: MessagingClient;
  store: EventStore;
  visits: VisitService;
  sheets: SheetService;
  tickets: KnownTicketsRepository;
  close(): Promise<void>;
  /** its consumer groups, whose parked events `/v1/dead-letters` shows and replays */
  deadLetters: readonly EventConsumer[];
  /** first answers by Idempotency-Key, which every other POST of the service honours through the kit */
  idempotentAnswers: AnswersOnDataSource;
}

export async function startFieldServiceRuntime(settings: FieldServiceSettings, onError: (error: unknown) => void): Promise<FieldServiceRuntime> {
  const { schema } = settings;
  const clock = settings.clock ?? systemClock;
  const dataSource = await openServiceDataSource({ databaseUrl: settings.databaseUrl, migrationDatabaseUrl: settings.migrationDatabaseUrl, schema, migrations: fieldServiceMigrations(schema) });
  const kafka = createKafka(SERVICE_NAME, settings.kafka);
  await ensureTopics(kafka, topicsWrittenBy(SERVICE_NAME));
  const store = new EventStore(schema, eventCatalogue);
  const pipeline = new AppendPipeline(store, { listeners: [new Outbox(schema, SERVICE_NAME, eventCatalogue)] });
  const views = new FieldViewsRepository(schema);
  const tickets = new KnownTicketsRepository(schema);
  const idempotency = new IdempotencyStore(schema, { ttlSeconds: settings.idempotencyKeyTtlSeconds, clock });
  const visits = new VisitService(dataSource, pipeline, clock, views, tickets, idempotency);
  const sheets = new SheetService(dataSource, pipeline, clock, views, tickets, idempotency, visits);
  const relay = new OutboxRelay({ schema, databaseUrl: settings.databaseUrl, kafka, onError, anchors: { service: SERVICE_NAME, key: loadSigningKey(SERVICE_NAME) } });
  const consumers = new EventConsumerTransport({ schema, kafka, dataSource, catalogue: eventCatalogue, onError, fromBeginning: settings.consumeFromBeginning, inBackground: settings.joinConsumersInBackground });
  await relay.start();
  const projections = await startEventHandlers(consumers, [KnownTicketsProjector], [{ provide: KnownTicketsRepository, useValue: tickets }]);
  return {
    idempotentAnswers: idempotency.answersOn(dataSource),
    dataSource,
    kafka,
    deadLetters: consumers.consumers,
    store,
    visits,
    sheets,
    tickets,
    async close() {
      await projections.close();
      await relay.stop();
      await dataSource.destroy();
    },
  };
}
