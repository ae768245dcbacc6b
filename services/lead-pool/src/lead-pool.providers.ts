import { DataSource } from 'typeorm';
import { Clock, eventCatalogue, systemClock } from '@support/contracts';
import { AnswersOnDataSource, AppendPipeline, IdempotencyStore } from '@support/command-handling';
import { EventStore, loadSigningKey, openServiceDataSource } from '@support/event-store';
import { createKafka, MessagingClient, ensureTopics, EventConsumer, EventConsumerTransport, Outbox, OutboxRelay, startEventHandlers, KafkaConnection, topicsWrittenBy } from '@support/messaging';
import { PeriodicTask } from '@support/service-kit';
import { LeadAllocator } from './application/lead-allocator';
import { LeadPoolAggregates } from './application/lead-pool.aggregates';
import { LeadPoolReactor } from './application/lead-pool.reactor';
import { LeadService } from './application/lead.service';
import { RatioPolicyService } from './application/ratio-policy.service';
import { leadPoolMigrations } from './persistence/lead-pool.migrations';
import { LeadPoolRepository } from './persistence/lead-pool.repository';

export const SERVICE_NAME = 'lead-pool';

export interface LeadPoolSettings {
  /** the service's runtime role */
  databaseUrl: string;
  /** the owner's URL: migrate the schema and grant the runtime role first (tests; services never get it) */
  migrationDatabaseUrl?: string;
  kafka: KafkaConnection;
  schema: string;
  clock?: Clock;
  /** how often the allocator takes back expired allocations and hands out pooled leads; null: never by itself (tests call runDue) */
  tickIntervalMs?: number | null;
  /** a new consumer group reads topics from the beginning (default) or only what comes next (tests) */
  consumeFromBeginning?: boolean;
  /** join the consumer groups in the background instead of waiting for them (a service's main: HTTP first) */
  joinConsumersInBackground?: boolean;
  /** how long an Idempotency-Key's answer is replayed (IDEMPOTENCY_KEY_TTL_SECONDS); left out: 24 h */
  idempotencyKeyTtlSeconds?: number;
}

export interface LeadPoolRuntime {
  dataSource: DataSource;
  kafka: MessagingClient;
  leads: LeadService;
  policy: RatioPolicyService;
  allocator: LeadAllocator;
  repository: LeadPoolRepository;
  aggregates: LeadPoolAggregates;
  close(): Promise<void>;
  /** its consumer groups, whose parked events `/v1/dead-letters` shows and replays */
  deadLetters: readonly EventConsumer[];
  /** first answers by Idempotency-Key, which every other POST of the service honours through the kit */
  idempotentAnswers: AnswersOnDataSource;
}

export async function startLeadPoolRuntime(settings: LeadPoolSettings, onError: (error: unknown) => void): Promise<LeadPoolRuntime> {
  const { schema } = settings;
  const dataSource = await openServiceDataSource({ databaseUrl: settings.databaseUrl, migrationDatabaseUrl: settings.migrationDatabaseUrl, schema, migrations: leadPoolMigrations(schema) });
  const kafka = createKafka(SERVICE_NAME, settings.kafka);
  await ensureTopics(kafka, topicsWrittenBy(SERVICE_NAME));
  const store = new EventStore(schema, eventCatalogue);
  const pipeline = new AppendPipeline(store, { listeners: [new Outbox(schema, SERVICE_NAME, eventCatalogue)] });
  const repository = new LeadPoolRepository(schema);
  const aggregates = new LeadPoolAggregates(pipeline, settings.clock ?? systemClock, repository);
  const allocator = new LeadAllocator(dataSource, schema, aggregates, repository, onError);
  const relay = new OutboxRelay({ schema, databaseUrl: settings.databaseUrl, kafka, onError, anchors: { service: SERVICE_NAME, key: loadSigningKey(SERVICE_NAME) } });
  const consumers = new EventConsumerTransport({ schema, kafka, dataSource, catalogue: eventCatalogue, onError, fromBeginning: settings.consumeFromBeginning, inBackground: settings.joinConsumersInBackground });
  const interval = settings.tickIntervalMs === undefined ? 1000 : settings.tickIntervalMs;
  // members coming on duty and deadlines passing need no request: the allocator also runs on its own
  const scheduler = interval === null ? undefined : new PeriodicTask(() => allocator.runDue(), interval, onError);
  await relay.start();
  const reactions = await startEventHandlers(
    consumers,
    [LeadPoolReactor],
    [
      { provide: LeadPoolAggregates, useValue: aggregates },
      { provide: LeadPoolRepository, useValue: repository },
      { provide: LeadAllocator, useValue: allocator },
    ],
  );
  scheduler?.start();
  const idempotency = new IdempotencyStore(schema, { ttlSeconds: settings.idempotencyKeyTtlSeconds, clock: aggregates.clock });
  return {
    idempotentAnswers: idempotency.answersOn(dataSource),
    deadLetters: consumers.consumers,
    dataSource,
    kafka,
    leads: new LeadService(dataSource, schema, aggregates, repository, allocator, idempotency),
    policy: new RatioPolicyService(dataSource, aggregates, repository, allocator),
    allocator,
    repository,
    aggregates,
    async close() {
      await scheduler?.stop();
      await reactions.close();
      await allocator.idle();
      await relay.stop();
      await dataSource.destroy();
    },
  };
}
