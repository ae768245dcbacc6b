import { MigrationInterface } from 'typeorm';
import { AnchorSigningKey } from '@support/event-store';
import { Clock } from '@support/contracts';
import { AppendTransform } from '@support/command-handling';
import type { KeyringAccess, SubjectOf } from '@support/personal-data';
import type { KafkaConnection } from '@support/messaging';

/** Injection token of the service's schema (the same value as the messaging lib's `EVENT_SCHEMA`). */
export const SERVICE_SCHEMA = Symbol('ServiceSchema');
/** Injection token of the service's messaging client (brokers and its own principal). */
export const MESSAGING_CLIENT = Symbol('MessagingClient');
/** Injection token of the service's {@link Clock} (the system's, or a test's). */
export const CLOCK = Symbol('Clock');
/** Injection token of where background failures go (relay, consumers, schedulers): `(error) => void`. */
export const BACKGROUND_ERRORS = Symbol('BackgroundErrors');
/** Injection token of the {@link PlatformSettings} the service was started with. */
export const PLATFORM_SETTINGS = Symbol('PlatformSettings');
/** Injection token of the key the relay signs chain anchors with (null for a service without an outbox). */
export const SIGNING_KEY = Symbol('SigningKey');

/** What every service's runtime is started with. */
export interface RuntimeSettings {
  /** the service's runtime role, whose schema `npm run migrate` has migrated */
  databaseUrl: string;
  /** the owner's URL, for tests only: migrate the schema and grant the runtime role before connecting */
  migrationDatabaseUrl?: string;
  /** the brokers and the service's own principal */
  kafka: KafkaConnection;
  schema: string;
  /** join the consumer groups in the background (a service's main: HTTP served at once) */
  joinConsumersInBackground?: boolean;
  /** how long an Idempotency-Key's answer is replayed (`IDEMPOTENCY_KEY_TTL_SECONDS`); left out: 24 h */
  idempotencyKeyTtlSeconds?: number;
}

/** {@link RuntimeSettings} with what tests may set as well. */
export interface PlatformSettings extends RuntimeSettings {
  clock?: Clock;
  /** a new consumer group reads topics from the beginning (default) or only what comes next (tests) */
  consumeFromBeginning?: boolean;
}

/** What {@link SupportPlatformModule.forRoot} is built with. */
export interface SupportPlatformOptions {
  /** the service's name: its Kafka client id, the topics it writes, its anchors' signer */
  service: string;
  settings: PlatformSettings;
  onError: (error: unknown) => void;
  migrations: (schema: string) => Array<new () => MigrationInterface>;
  /** tables the runtime role may truncate (a projection's rebuild) */
  truncatable?: readonly string[];
  /** what every append goes through before the event store: e.g. sealing personal data */
  transforms?: (schema: string) => AppendTransform[];
  /**
   * what the service does with the keyring of data keys (libs/personal-data); migrated and granted with the
   * schema when the settings migrate. With it the platform provides `SubjectKeys` and `PersonalDataOpening`
   * (the key-encryption key is loaded first: outside development a missing one stops the start).
   */
  keyring?: KeyringAccess;
  /** seal every event's personal data before it is stored (keyring 'seal' or 'shred'): whose key an event's values take; true: the customer it names (`customerId`) */
  sealPersonalData?: SubjectOf | true;
  /** false: no outbox and no relay (read-only services); otherwise every event is published as stored */
  outbox?: false;
}

/** the signing key, loaded before anything opens: outside development a missing key stops the start */
export type SigningKeyValue = AnchorSigningKey | null;
