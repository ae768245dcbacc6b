import { DataSource } from 'typeorm';
import { Subject } from 'rxjs';
import { Clock, eventCatalogue, systemClock, TEAM_TIME_ZONE } from '@support/contracts';
import { AnswersOnDataSource, IdempotencyStore } from '@support/command-handling';
import { openServiceDataSource } from '@support/event-store';
import { createKafka, MessagingClient, ensureTopics, EventConsumer, EventConsumerTransport, startEventHandlers, KafkaConnection, topicsWrittenBy } from '@support/messaging';
import { DashboardProjector, PROJECTION_CHANGED, ProjectionChange } from './projections/dashboard.projector';
import { dashboardMigrations } from './persistence/dashboard.migrations';
import { DashboardTables, PROJECTION_TABLES } from './persistence/dashboard.tables';

export const SERVICE_NAME = 'dashboard';

export interface DashboardSettings {
  /** the service's runtime role */
  databaseUrl: string;
  /** the owner's URL: migrate the schema and grant the runtime role first (tests; services never get it) */
  migrationDatabaseUrl?: string;
  kafka: KafkaConnection;
  schema: string;
  clock?: Clock;
  /** the team's IANA time zone: its reporting weeks and the page's times (default Asia/Shanghai) */
  timeZone?: string;
  /** a new consumer group reads topics from the beginning (default) or only what comes next (tests) */
  consumeFromBeginning?: boolean;
  /** join the consumer groups in the background instead of waiting for them (a service's main: HTTP first) */
  joinConsumersInBackground?: boolean;
  /** how long an Idempotency-Key's answer is replayed (IDEMPOTENCY_KEY_TTL_SECONDS); left out: 24 h */
  idempotencyKeyTtlSeconds?: number;
}

export interface DashboardRuntime {
  dataSource: DataSource;
  kafka: MessagingClient;
  tables: DashboardTables;
  clock: Clock;
  /** the team's IANA time zone: its reporting weeks and the page's times */
  timeZone: string;
  /** every projection change, for the live page */
  changes: Subject<ProjectionChange>;
  projections: {
    /** events on the topics not yet projected (0 = caught up) */
    lag(): Promise<number>;
    /** drops every projection and replays all topics from offset 0; returns once the replay has started, false if one is starting already */
    rebuild(): Promise<boolean>;
  };
  close(): Promise<void>;
  /** its consumer groups, whose parked events `/v1/dead-letters` shows and replays */
  deadLetters: readonly EventConsumer[];
  /** first answers by Idempotency-Key, which every other POST of the service honours through the kit */
  idempotentAnswers: AnswersOnDataSource;
}

/** The dashboard reads every topic and writes only its projections: it publishes nothing, so it has no outbox. */
export async function startDashboardRuntime(settings: DashboardSettings, onError: (error: unknown) => void): Promise<DashboardRuntime> {
  const { schema } = settings;
  const dataSource = await openServiceDataSource({ databaseUrl: settings.databaseUrl, migrationDatabaseUrl: settings.migrationDatabaseUrl, schema, migrations: dashboardMigrations(schema), truncatable: PROJECTION_TABLES });
  const kafka = createKafka(SERVICE_NAME, settings.kafka);
  await ensureTopics(kafka, topicsWrittenBy(SERVICE_NAME));
  const tables = new DashboardTables(schema);
  const changes = new Subject<ProjectionChange>();
  const consumers = new EventConsumerTransport({ schema, kafka, dataSource, catalogue: eventCatalogue, onError, fromBeginning: settings.consumeFromBeginning, inBackground: settings.joinConsumersInBackground });
  const projections = await startEventHandlers(
    consumers,
    [DashboardProjector],
    [
      { provide: DashboardTables, useValue: tables },
      { provide: PROJECTION_CHANGED, useValue: (change: ProjectionChange) => changes.next(change) },
    ],
  );
  const consumer = consumers.consumer('projections');
  let restarting = false;
  return {
    idempotentAnswers: new IdempotencyStore(schema, { ttlSeconds: settings.idempotencyKeyTtlSeconds, clock: settings.clock }).answersOn(dataSource),
    dataSource,
    kafka,
    deadLetters: [consumer],
    tables,
    clock: settings.clock ?? systemClock,
    timeZone: settings.timeZone ?? TEAM_TIME_ZONE,
    changes,
    projections: {
      lag: () => consumer.lag(),
      async rebuild() {
        // two restarts of one consumer at once would leave it in an unknown state
        if (restarting) return false;
        restarting = true;
        try {
          await consumer.replayFromStart((manager) => tables.clear(manager));
          return true;
        } finally {
          restarting = false;
        }
      },
    },
    async close() {
      changes.complete();
      await projections.close();
      await dataSource.destroy();
    },
  };
}

/** injection token of the runtime for the HTTP layer */
export const DASHBOARD_RUNTIME = Symbol('DashboardRuntime');
