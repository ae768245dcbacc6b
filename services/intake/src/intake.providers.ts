import { DataSource } from 'typeorm';
import { Kafka } from 'kafkajs';
import { eventCatalogue, systemClock, Clock } from '@support/contracts';
import { EventStore, openServiceDataSource } from '@support/event-store';
import { createKafka, ensureTopics, Outbox, OutboxRelay } from '@support/messaging';
import { TicketCommands } from './application/ticket-commands.service';
import { TicketQueries } from './application/ticket-queries.service';
import { CustomerDirectory } from './persistence/customer-directory.repository';
import { intakeMigrations } from './persistence/intake.migrations';
import { TicketViewRepository } from './persistence/ticket-view.repository';

export const SERVICE_NAME = 'intake';

export interface IntakeSettings {
  databaseUrl: string;
  kafkaBrokers: string[];
  /** the service's schema; tests give each run its own */
  schema: string;
  clock?: Clock;
}

/** Everything intake runs on, built once at start-up and closed at shutdown. */
export interface IntakeRuntime {
  dataSource: DataSource;
  kafka: Kafka;
  relay: OutboxRelay;
  store: EventStore;
  commands: TicketCommands;
  queries: TicketQueries;
  close(): Promise<void>;
}

export async function startIntakeRuntime(settings: IntakeSettings, onError: (error: unknown) => void): Promise<IntakeRuntime> {
  const { schema } = settings;
  const dataSource = await openServiceDataSource({ databaseUrl: settings.databaseUrl, schema, migrations: intakeMigrations(schema) });
  const kafka = createKafka(SERVICE_NAME, settings.kafkaBrokers);
  await ensureTopics(kafka, eventCatalogue.topics());
  const store = new EventStore(schema, eventCatalogue, [new Outbox(schema, SERVICE_NAME, eventCatalogue)]);
  const views = new TicketViewRepository(schema);
  const customers = new CustomerDirectory(schema);
  const relay = new OutboxRelay({ schema, databaseUrl: settings.databaseUrl, kafka, onError });
  await relay.start();
  return {
    dataSource,
    kafka,
    relay,
    store,
    commands: new TicketCommands(dataSource, store, views, customers, settings.clock ?? systemClock, schema),
    queries: new TicketQueries(dataSource, store, views, customers),
    async close() {
      await relay.stop();
      await dataSource.destroy();
    },
  };
}
