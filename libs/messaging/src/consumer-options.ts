import { DataSource, EntityManager } from 'typeorm';
import { EventCatalogue } from '@support/contracts';
import { ConsumedEvent } from './cloud-event.codec';
import { MessagingClient } from './kafka-client';

/** Runs inside the transaction that also records the event in the inbox. */
export type EventHandler = (event: ConsumedEvent, manager: EntityManager) => Promise<void>;
/**
 * Runs inside the transaction that also records the events in the inbox; the events are one partition's, in
 * order, those the group has not handled yet (a redelivered event is not among them). The inbox rows are
 * written before it. Should it fail, the chunk is rolled back and its events go one at a time (each a
 * batch of one), so a poison event is parked alone. For read models that apply many events in a few
 * statements, and for reactors that decide many events under one lock.
 */
export type BatchEventHandler = (events: ConsumedEvent[], manager: EntityManager) => Promise<void>;

/**
 * An event at a time (`handle`), or, for handlers that can apply many events in a few statements,
 * a partition's events in chunks of up to `batchSize` per transaction (`handleBatch`).
 */
export type EventHandling =
  | { handle: EventHandler; handleBatch?: never }
  | {
      handleBatch: BatchEventHandler;
      batchSize?: number;
      /** partitions handled at once, each in its own transaction: only for handlers whose partitions touch disjoint rows */
      partitionsConcurrently?: number;
      handle?: never;
    };

export type EventConsumerOptions = EventHandling & EventConsumerSettings;

export interface EventConsumerSettings extends RetrySettings {
  schema: string;
  groupId: string;
  topics: string[];
  kafka: MessagingClient;
  dataSource: DataSource;
  catalogue: EventCatalogue;
  onError?: (error: unknown, event: EventPosition) => void;
  /** where a new group starts: the topic's beginning (default: every event ever) or its end */
  fromBeginning?: boolean;
  /**
   * The event types the handler acts on, where it ignores the rest of its topics: the others are still
   * checked (a poison message is parked) but passed over without a transaction or an inbox row, since
   * handling them would change nothing.
   */
  types?: readonly string[];
}

/** How a failing event is retried before it is parked (a transient failure is retried until it passes). */
export interface RetrySettings {
  /** attempts after the first failure before the event is parked */
  retries?: number;
  /** first wait before a retry, doubling up to `maxBackoffMs` (default 200 ms and 5 s) */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** Where a message is: its topic, partition and offset. */
export type Position = { topic: string; partition: number; offset: string };

/** Where a failing event is, and which one (as far as its headers tell): what a consumer's error report carries. */
export type EventPosition = Position & { eventId?: string; eventType?: string };

/** the fetched batch's controls that a retrying event needs */
export interface BatchControl {
  isRunning(): boolean;
  heartbeat(): Promise<void>;
}

/**
 * How long a group member may go silent before the broker takes its partitions back, and how often it
 * says it is alive. kafkajs' defaults (30 s, 3 s) kept a killed instance's partitions idle for 30 s;
 * 6 s is the broker's default `group.min.session.timeout.ms`, so the survivors take them over in ~7 s.
 * kafkajs heartbeats from its fetch loop (and our handlers after each event or chunk), so a handler
 * must not hold the loop longer than the session; the heartbeat stays below a third of it.
 */
export interface GroupSession {
  sessionTimeout: number;
  heartbeatInterval: number;
}

export const DEFAULT_GROUP_SESSION: GroupSession = { sessionTimeout: 6_000, heartbeatInterval: 1_000 };

/** the group session from KAFKA_CONSUMER_SESSION_TIMEOUT_MS and KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS (defaults above) */
export function groupSessionFromEnv(env: Record<string, string | undefined> = process.env): GroupSession {
  const read = (name: string, fallback: number) => {
    const text = env[name]?.trim();
    if (!text) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 100) throw new Error(`${name} must be a whole number of milliseconds, at least 100`);
    return value;
  };
  const sessionTimeout = read('KAFKA_CONSUMER_SESSION_TIMEOUT_MS', DEFAULT_GROUP_SESSION.sessionTimeout);
  const heartbeatInterval = read('KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS', Math.min(DEFAULT_GROUP_SESSION.heartbeatInterval, Math.floor(sessionTimeout / 3)));
  // the broker refuses a session outside its group.min/max.session.timeout.ms (6 s and 30 min by default) at the join
  if (heartbeatInterval * 3 > sessionTimeout) throw new Error('KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS must be at most a third of KAFKA_CONSUMER_SESSION_TIMEOUT_MS');
  return { sessionTimeout, heartbeatInterval };
}
