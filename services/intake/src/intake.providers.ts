import { DataSource } from 'typeorm';
import { Clock, eventCatalogue, systemClock } from '@support/contracts';
import { AnswersOnDataSource, AppendPipeline, IdempotencyStore } from '@support/command-handling';
import { EventStore, loadSigningKey, loadTrustedKeys, openServiceDataSource } from '@support/event-store';
import { createKafka, MessagingClient, ensureTopics, EventConsumer, EventConsumerTransport, Outbox, OutboxRelay, startEventHandlers, KafkaConnection, topicsWrittenBy } from '@support/messaging';
import { CustomerErasure } from './application/customer-erasure.service';
import { PersonalDataSealing } from './application/personal-data/personal-data.sealing';
import { TicketCommands } from './application/ticket-commands.service';
import { TicketQueries } from './application/ticket-queries.service';
import { RoutingDecisionReactor } from './application/routing-decision.reactor';
import { SlaBreachReactor } from './application/sla-breach.reactor';
import { FieldServiceReactor } from './application/field-service.reactor';
import { LeadConversionReactor } from './application/lead-conversion.reactor';
import { CustomerDirectory } from './persistence/customer-directory.repository';
import { CustomerKeys } from './persistence/customer-keys.repository';
import { intakeMigrations } from './persistence/intake.migrations';
import { OutboxCopies } from './persistence/outbox-copies.repository';
import { TicketViewRepository } from './persistence/ticket-view.repository';
import { AuditAnchors } from './persistence/audit-anchors.repository';
import { ANCHORED_SERVICE, AuditAnchorReactor, TRUSTED_KEYS } from './application/audit-anchor.reactor';
import { StreamAudit } from './application/stream-audit';

export const SERVICE_NAME = 'intake';

export interface IntakeSettings {
  /** the service's runtime role */
  databaseUrl: string;
  /** the owner's URL: migrate the schema and grant the runtime role first (tests; services never get it) */
  migrationDatabaseUrl?: string;
  kafka: KafkaConnection;
  /** the service's schema; tests give each run its own */
  schema: string;
  clock?: Clock;
  /** a new consumer group reads topics from the beginning (default) or only what comes next (tests) */
  consumeFromBeginning?: boolean;
  /** join the consumer groups in the background instead of waiting for them (a service's main: HTTP first) */
  joinConsumersInBackground?: boolean;
  /** how long an Idempotency-Key's answer is replayed (IDEMPOTENCY_KEY_TTL_SECONDS); left out: 24 h */
  idempotencyKeyTtlSeconds?: number;
}

/** Everything intake runs on, built once at start-up and closed at shutdown. */
export interface IntakeRuntime {
  dataSource: DataSource;
  kafka: MessagingClient;
  relay: OutboxRelay;
  reactors: readonly EventConsumer[];
  /** the event table as stored: personal data sealed */
  store: EventStore;
  commands: TicketCommands;
  queries: TicketQueries;
  erasure: CustomerErasure;
  close(): Promise<void>;
  /** its consumer groups, whose parked events `/v1/dead-letters` shows and replays */
  deadLetters: readonly EventConsumer[];
  /** first answers by Idempotency-Key, which every other POST of the service honours through the kit */
  idempotentAnswers: AnswersOnDataSource;
}

export async function startIntakeRuntime(settings: IntakeSettings, onError: (error: unknown) => void): Promise<IntakeRuntime> {
  const { schema } = settings;
  // before anything opens: outside development a missing key stops the start, naming the variable
  const signingKey = loadSigningKey(SERVICE_NAME);
  const trustedKeys = loadTrustedKeys(process.env, signingKey);
  const dataSource = await openServiceDataSource({ databaseUrl: settings.databaseUrl, migrationDatabaseUrl: settings.migrationDatabaseUrl, schema, migrations: intakeMigrations(schema) });
  const kafka = createKafka(SERVICE_NAME, settings.kafka);
  await ensureTopics(kafka, topicsWrittenBy(SERVICE_NAME));
  // every append seals personal data first; the outbox publishes what was decided (see PersonalDataSealing)
  const store = new EventStore(schema, eventCatalogue);
  const keys = new CustomerKeys(schema);
  const pipeline = new AppendPipeline(store, { transforms: [new PersonalDataSealing(eventCatalogue, keys)], listeners: [new Outbox(schema, SERVICE_NAME, eventCatalogue, 'decided')] });
  const views = new TicketViewRepository(schema);
  const customers = new CustomerDirectory(schema);
  const anchors = new AuditAnchors(schema);
  const clock = settings.clock ?? systemClock;
  const relay = new OutboxRelay({ schema, databaseUrl: settings.databaseUrl, kafka, onError, anchors: { service: SERVICE_NAME, key: signingKey } });
  const idempotency = new IdempotencyStore(schema, { ttlSeconds: settings.idempotencyKeyTtlSeconds, clock });
  const commands = new TicketCommands(dataSource, pipeline, views, customers, clock, idempotency);
  const consumers = new EventConsumerTransport({ schema, kafka, dataSource, catalogue: eventCatalogue, onError, fromBeginning: settings.consumeFromBeginning, inBackground: settings.joinConsumersInBackground });
  await relay.start();
  // field-service's reactor is one group for visits and sheets: a visit's events share its key (one partition, in order), a sheet's likewise
  const reactions = await startEventHandlers(
    consumers,
    [RoutingDecisionReactor, SlaBreachReactor, FieldServiceReactor, LeadConversionReactor, AuditAnchorReactor],
    [
      { provide: TicketCommands, useValue: commands },
      { provide: TicketViewRepository, useValue: views },
      { provide: AuditAnchors, useValue: anchors },
      { provide: ANCHORED_SERVICE, useValue: SERVICE_NAME },
      { provide: TRUSTED_KEYS, useValue: trustedKeys },
    ],
  );
  const reactors = consumers.consumers;
  return {
    idempotentAnswers: idempotency.answersOn(dataSource),
    dataSource,
    kafka,
    relay,
    reactors,
    deadLetters: reactors,
    store,
    commands,
    queries: new TicketQueries(dataSource, store, views, customers, keys, new StreamAudit(store, anchors, trustedKeys)),
    erasure: new CustomerErasure(dataSource, store, commands, views, customers, keys, new OutboxCopies(schema)),
    async close() {
      await reactions.close();
      await relay.stop();
      await dataSource.destroy();
    },
  };
}
