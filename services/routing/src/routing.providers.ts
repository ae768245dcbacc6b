import { DataSource } from 'typeorm';
import { Clock, eventCatalogue, systemClock } from '@support/contracts';
import { AnswersOnDataSource, AppendPipeline, IdempotencyStore } from '@support/command-handling';
import { EventStore, loadSigningKey, openServiceDataSource } from '@support/event-store';
import { createKafka, MessagingClient, ensureTopics, EventConsumer, EventConsumerTransport, Outbox, OutboxRelay, startEventHandlers, KafkaConnection, topicsWrittenBy } from '@support/messaging';
import { RosterService } from './application/roster.service';
import { RoutingEngine } from './application/routing-engine';
import { RoutingQueries } from './application/routing-queries';
import { ScenarioCatalogueReactor } from './application/scenario-catalogue.reactor';
import { TicketEventsReactor } from './application/ticket-events.reactor';
import { RoutedTicketsRepository } from './persistence/routed-tickets.repository';
import { RosterRepository } from './persistence/roster.repository';
import { routingMigrations } from './persistence/routing.migrations';
import { ScenarioCatalogueRepository } from './persistence/scenario-catalogue.repository';

export const SERVICE_NAME = 'routing';

export interface RoutingSettings {
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

export interface RoutingRuntime {
  dataSource: DataSource;
  kafka: MessagingClient;
  relay: OutboxRelay;
  ticketEvents: EventConsumer;
  /** the knowledge base's scenario catalogue (which scenarios are fixed) */
  scenarioEvents: EventConsumer;
  engine: RoutingEngine;
  roster: RosterService;
  queries: RoutingQueries;
  close(): Promise<void>;
  /** its consumer groups, whose parked events `/v1/dead-letters` shows and replays */
  deadLetters: readonly EventConsumer[];
  /** first answers by Idempotency-Key, which every other POST of the service honours through the kit */
  idempotentAnswers: AnswersOnDataSource;
}

export async function startRoutingRuntime(settings: RoutingSettings, onError: (error: unknown) => void): Promise<RoutingRuntime> {
  const { schema } = settings;
  const dataSource = await openServiceDataSource({ databaseUrl: settings.databaseUrl, migrationDatabaseUrl: settings.migrationDatabaseUrl, schema, migrations: routingMigrations(schema) });
  const kafka = createKafka(SERVICE_NAME, settings.kafka);
  await ensureTopics(kafka, topicsWrittenBy(SERVICE_NAME));
  const store = new EventStore(schema, eventCatalogue);
  const pipeline = new AppendPipeline(store, { listeners: [new Outbox(schema, SERVICE_NAME, eventCatalogue)] });
  const rosterRepository = new RosterRepository(schema);
  const ticketRepository = new RoutedTicketsRepository(schema);
  const engine = new RoutingEngine(schema, pipeline, rosterRepository, ticketRepository, new ScenarioCatalogueRepository(schema), settings.clock ?? systemClock);
  const relay = new OutboxRelay({ schema, databaseUrl: settings.databaseUrl, kafka, onError, anchors: { service: SERVICE_NAME, key: loadSigningKey(SERVICE_NAME) } });
  const consumers = new EventConsumerTransport({ schema, kafka, dataSource, catalogue: eventCatalogue, onError, fromBeginning: settings.consumeFromBeginning, inBackground: settings.joinConsumersInBackground });
  await relay.start();
  const reactions = await startEventHandlers(consumers, [TicketEventsReactor, ScenarioCatalogueReactor], [{ provide: RoutingEngine, useValue: engine }]);
  const ticketEvents = consumers.consumer('ticket-events');
  const scenarioEvents = consumers.consumer('scenario-catalogue');
  const idempotency = new IdempotencyStore(schema, { ttlSeconds: settings.idempotencyKeyTtlSeconds, clock: settings.clock });
  return {
    idempotentAnswers: idempotency.answersOn(dataSource),
    dataSource,
    kafka,
    relay,
    ticketEvents,
    scenarioEvents,
    deadLetters: [ticketEvents, scenarioEvents],
    engine,
    roster: new RosterService(dataSource, engine, idempotency),
    queries: new RoutingQueries(dataSource, rosterRepository, ticketRepository),
    async close() {
      await reactions.close();
      await relay.stop();
      await dataSource.destroy();
    },
  };
}
