import { DynamicModule, Module, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock, eventCatalogue, systemClock } from '@support/contracts';
import { AppendPipeline, IdempotencyStore } from '@support/command-handling';
import { EventStore, loadSigningKey, openServiceDataSource, roleOfUrl } from '@support/event-store';
import { customerOf, KEYRING_SCHEMA, loadKeyEncryptionKey, migrateKeyring, PersonalDataOpening, PersonalDataSealing, SubjectKeys } from '@support/personal-data';
import { createKafka, ensureTopics, EVENT_SCHEMA, EventConsumerTransport, MessagingClient, Outbox, OutboxRelay, topicsWrittenBy } from '@support/messaging';
import { PlatformLifecycle } from './platform-lifecycle';
import { BACKGROUND_ERRORS, CLOCK, MESSAGING_CLIENT, PLATFORM_SETTINGS, SERVICE_SCHEMA, SIGNING_KEY, SigningKeyValue, SupportPlatformOptions } from './platform.tokens';

/** Every token {@link SupportPlatformModule} provides to the service's own providers. */
export const PLATFORM_TOKENS = [
  DataSource,
  MESSAGING_CLIENT,
  EventStore,
  AppendPipeline,
  IdempotencyStore,
  OutboxRelay,
  EventConsumerTransport,
  CLOCK,
  SERVICE_SCHEMA,
  EVENT_SCHEMA,
  BACKGROUND_ERRORS,
  PLATFORM_SETTINGS,
  SIGNING_KEY,
  SubjectKeys,
  PersonalDataOpening,
] as const;

/**
 * What every service runs on, as Nest providers: the database (migrated first, through `@nestjs/typeorm`
 * with our owner/runtime-role semantics), the messaging client (its topics ensured), the event store, the
 * append pipeline (transforms, then the outbox), the Idempotency-Key store, the clock, the outbox relay and
 * the consumer transport. The relay starts on bootstrap and stops before shutdown; the database closes last.
 */
@Module({})
export class SupportPlatformModule {
  static forRoot(options: SupportPlatformOptions): DynamicModule {
    const { service, settings } = options;
    const { schema } = settings;
    // before anything opens: outside development a missing key stops the start, naming the variable
    const signingKey: SigningKeyValue = options.outbox === false ? null : loadSigningKey(service);
    const subjectKeys = options.keyring ? new SubjectKeys(KEYRING_SCHEMA, loadKeyEncryptionKey()) : null;
    if (options.sealPersonalData && !(subjectKeys && options.keyring !== 'open')) throw new Error(`${service} seals personal data: it needs the keyring with 'seal' or 'shred'`);
    const sealing =
      options.sealPersonalData && subjectKeys
        ? [new PersonalDataSealing(eventCatalogue, subjectKeys, options.sealPersonalData === true ? customerOf : options.sealPersonalData)]
        : [];
    const providers: Provider[] = [
      { provide: PLATFORM_SETTINGS, useValue: settings },
      { provide: SERVICE_SCHEMA, useValue: schema },
      { provide: EVENT_SCHEMA, useValue: schema },
      { provide: CLOCK, useValue: settings.clock ?? systemClock },
      { provide: BACKGROUND_ERRORS, useValue: options.onError },
      { provide: SIGNING_KEY, useValue: signingKey },
      {
        provide: MESSAGING_CLIENT,
        // after the database: a schema that is not migrated stops the start before Kafka is asked anything
        inject: [DataSource],
        useFactory: async () => {
          const kafka = createKafka(service, settings.kafka);
          await ensureTopics(kafka, topicsWrittenBy(service));
          return kafka;
        },
      },
      { provide: EventStore, useFactory: () => new EventStore(schema, eventCatalogue) },
      {
        provide: AppendPipeline,
        inject: [EventStore],
        useFactory: (store: EventStore) =>
          new AppendPipeline(store, {
            transforms: [...sealing, ...(options.transforms?.(schema) ?? [])],
            ...(options.outbox === false ? {} : { outbox: new Outbox(schema, service, eventCatalogue) }),
          }),
      },
      // null where the service has no keyring
      { provide: SubjectKeys, useValue: subjectKeys },
      { provide: PersonalDataOpening, useValue: subjectKeys && new PersonalDataOpening(eventCatalogue, subjectKeys) },
      { provide: IdempotencyStore, inject: [CLOCK], useFactory: (clock: Clock) => new IdempotencyStore(schema, { ttlSeconds: settings.idempotencyKeyTtlSeconds, clock }) },
      {
        provide: OutboxRelay,
        inject: [MESSAGING_CLIENT],
        useFactory: (kafka: MessagingClient) =>
          signingKey === null ? null : new OutboxRelay({ schema, databaseUrl: settings.databaseUrl, kafka, onError: options.onError, anchors: { service, key: signingKey } }),
      },
      {
        provide: EventConsumerTransport,
        inject: [MESSAGING_CLIENT, DataSource],
        useFactory: (kafka: MessagingClient, dataSource: DataSource) =>
          new EventConsumerTransport({
            schema,
            kafka,
            dataSource,
            catalogue: eventCatalogue,
            onError: options.onError,
            fromBeginning: settings.consumeFromBeginning,
            inBackground: settings.joinConsumersInBackground,
          }),
      },
      PlatformLifecycle,
    ];
    return {
      module: SupportPlatformModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          // fail at once, as before: a schema that is not migrated will not be by retrying
          useFactory: () => ({ type: 'postgres', toRetry: () => false }),
          // owner migrates and grants first (tests), then the runtime role connects and checks the schema is migrated
          dataSourceFactory: async () => {
            if (settings.migrationDatabaseUrl && options.keyring) {
              await migrateKeyring(settings.migrationDatabaseUrl, [{ role: roleOfUrl(settings.databaseUrl), access: options.keyring }]);
            }
            return openServiceDataSource({
              databaseUrl: settings.databaseUrl,
              migrationDatabaseUrl: settings.migrationDatabaseUrl,
              schema,
              migrations: options.migrations(schema),
              truncatable: options.truncatable,
            });
          },
        }),
      ],
      providers,
      // the DataSource is TypeORM's (a global module of its own)
      exports: PLATFORM_TOKENS.filter((token) => token !== DataSource),
    };
  }
}
