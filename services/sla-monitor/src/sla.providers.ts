import { DataSource } from 'typeorm';
import { Clock, eventCatalogue, systemClock } from '@support/contracts';
import { AnswersOnDataSource, AppendPipeline, IdempotencyStore } from '@support/command-handling';
import { EventStore, loadSigningKey, openServiceDataSource } from '@support/event-store';
import { createKafka, MessagingClient, ensureTopics, EventConsumer, EventConsumerTransport, Outbox, OutboxRelay, startEventHandlers, KafkaConnection, topicsWrittenBy } from '@support/messaging';
import { DUE_LIMIT, SlaMonitor, SlaSettings } from './application/sla-monitor.service';
import { PeriodicTask } from '@support/service-kit';
import { SlaPolicyService } from './application/sla-policy.service';
import { ClockEventsReactor } from './application/clock-events.reactor';
import { ClockRepository } from './persistence/clock.repository';
import { slaMigrations } from './persistence/sla.migrations';

export const SERVICE_NAME = 'sla-monitor';

export interface SlaMonitorSettings {
  /** the service's runtime role */
  databaseUrl: string;
  /** the owner's URL: migrate the schema and grant the runtime role first (tests; services never get it) */
  migrationDatabaseUrl?: string;
  kafka: KafkaConnection;
  schema: string;
  clock?: Clock;
  /** how often the scheduler looks for due clocks; null: never by itself (tests call runDue) */
  tickIntervalMs?: number | null;
  consumeFromBeginning?: boolean;
  /** join the consumer groups in the background instead of waiting for them (a service's main: HTTP first) */
  joinConsumersInBackground?: boolean;
  /** how long an Idempotency-Key's answer is replayed (IDEMPOTENCY_KEY_TTL_SECONDS); left out: 24 h */
  idempotencyKeyTtlSeconds?: number;
}

export interface SlaMonitorRuntime {
  dataSource: DataSource;
  kafka: MessagingClient;
  monitor: SlaMonitor;
  store: EventStore;
  /** every append of the service: the event store, then the outbox */
  pipeline: AppendPipeline;
  clocks: ClockRepository;
  settings: () => SlaSettings;
  policy: SlaPolicyService;
  clock: Clock;
  close(): Promise<void>;
  /** its consumer groups, whose parked events `/v1/dead-letters` shows and replays */
  deadLetters: readonly EventConsumer[];
  /** first answers by Idempotency-Key, which every other POST of the service honours through the kit */
  idempotentAnswers: AnswersOnDataSource;
}

export async function startSlaMonitorRuntime(settings: SlaMonitorSettings, onError: (error: unknown) => void): Promise<SlaMonitorRuntime> {
  const { schema } = settings;
  const clock = settings.clock ?? systemClock;
  const dataSource = await openServiceDataSource({ databaseUrl: settings.databaseUrl, migrationDatabaseUrl: settings.migrationDatabaseUrl, schema, migrations: slaMigrations(schema) });
  const kafka = createKafka(SERVICE_NAME, settings.kafka);
  await ensureTopics(kafka, topicsWrittenBy(SERVICE_NAME));
  const store = new EventStore(schema, eventCatalogue);
  const pipeline = new AppendPipeline(store, { listeners: [new Outbox(schema, SERVICE_NAME, eventCatalogue)] });
  const clocks = new ClockRepository(schema);
  const policy = new SlaPolicyService(dataSource, pipeline, clock);
  await policy.load();
  const settingsNow = (): SlaSettings => policy.settings();
  const monitor = new SlaMonitor(dataSource, pipeline, clocks, clock, settingsNow, (clockId, error) =>
    onError(new Error(`clock ${clockId} could not fire: ${error instanceof Error ? error.message : String(error)}`, { cause: error })),
  );
  const relay = new OutboxRelay({ schema, databaseUrl: settings.databaseUrl, kafka, onError, anchors: { service: SERVICE_NAME, key: loadSigningKey(SERVICE_NAME) } });
  const consumers = new EventConsumerTransport({ schema, kafka, dataSource, catalogue: eventCatalogue, onError, fromBeginning: settings.consumeFromBeginning, inBackground: settings.joinConsumersInBackground });
  const interval = settings.tickIntervalMs === undefined ? 250 : settings.tickIntervalMs;
  // a full batch means more is due: go again at once
  const scheduler = interval === null ? undefined : new PeriodicTask(() => monitor.runDue(), interval, onError, (looked) => looked === DUE_LIMIT);
  await relay.start();
  const reactions = await startEventHandlers(consumers, [ClockEventsReactor], [{ provide: SlaMonitor, useValue: monitor }]);
  scheduler?.start();
  return {
    idempotentAnswers: new IdempotencyStore(schema, { ttlSeconds: settings.idempotencyKeyTtlSeconds, clock }).answersOn(dataSource),
    dataSource,
    kafka,
    deadLetters: consumers.consumers,
    monitor,
    store,
    pipeline,
    clocks,
    clock,
    settings: settingsNow,
    policy,
    async close() {
      await scheduler?.stop();
      await reactions.close();
      await relay.stop();
      await dataSource.destroy();
    },
  };
}

/** injection token of the runtime for the HTTP layer */
export const SLA_RUNTIME = Symbol('SlaMonitorRuntime');
