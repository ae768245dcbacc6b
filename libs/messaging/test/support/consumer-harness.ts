import { Admin, Kafka, Partitioners } from 'kafkajs';
import { EventCatalogue, NewEvent, RecordedEvent } from '@support/contracts';
import { AppendPipeline } from '@support/command-handling';
import { EventStore, eventStoreMigrations } from '@support/event-store';
import {
  BatchEventHandler,
  createKafka,
  deadLetterTopic,
  ensureTopics,
  EventConsumer,
  EventConsumerSettings,
  EventHandler,
  messagingMigration,
  Outbox,
  OutboxRelay,
  toKafkaMessage,
} from '@support/messaging';
import { kafkaAs, openTestSchema, TestInfra, testInfra } from '@support/test-kit';
import { testCatalogue, thingHappened, uniqueName, withShortPolls } from './messaging.fixtures';

export type ConsumerOptions = Pick<EventConsumerSettings, 'groupId' | 'topics' | 'catalogue'> &
  Partial<EventConsumerSettings> &
  ({ handle?: EventHandler } | { handleBatch: BatchEventHandler; batchSize?: number });

/** what the event consumer int specs share: Kafka, a schema with a relay, and the helpers over them */
export interface ConsumerHarness {
  readonly infra: TestInfra;
  /** topics and groups to delete after the file */
  readonly topics: string[];
  readonly groups: string[];
  // read-only views of what beforeAll opened
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly db: Awaited<ReturnType<typeof openTestSchema>>;
  /** the consumers' own state: one row per handled event */
  readonly applied: string;
  setUp(): Promise<{ topic: string; groupId: string; catalogue: EventCatalogue; store: AppendPipeline }>;
  append(store: AppendPipeline, streamId: string, events: NewEvent[]): Promise<unknown>;
  consumer(options: ConsumerOptions): EventConsumer;
  /** a message that is a CloudEvent of a known type but whose data breaks the schema, on the stream's key */
  publishInvalidThing(topic: string, streamId: string, version: number): Promise<RecordedEvent>;
  inboxIds(groupId: string): Promise<string[]>;
  appliedIds(groupId: string): Promise<string[]>;
}

/** registers the jest hooks that open and close it; kafka, admin, db and applied are there once beforeAll has run */
export function consumerHarness(): ConsumerHarness {
  const infra = testInfra();
  const topics: string[] = [];
  const groups: string[] = [];
  let kafka: Kafka;
  let admin: Admin;
  let db: ConsumerHarness['db'];
  let relay: OutboxRelay;
  let applied: string;

  beforeAll(async () => {
    kafka = createKafka('messaging-consumer-int', kafkaAs('admin'));
    admin = kafka.admin();
    await admin.connect();
    db = await openTestSchema('consumer', (schema) => [...eventStoreMigrations(schema), messagingMigration(schema)]);
    // no unique key, so a double apply would show
    applied = `"${db.schema}".applied`;
    await db.dataSource.query(`CREATE TABLE ${applied} (consumer_group text NOT NULL, event_id uuid NOT NULL)`);
    relay = new OutboxRelay({ schema: db.schema, databaseUrl: infra.databaseUrl, kafka, idlePollMs: 100 });
    await relay.start();
  });

  afterAll(async () => {
    await relay?.stop();
    await db?.drop();
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  return {
    infra,
    topics,
    groups,
    get kafka() {
      return kafka;
    },
    get admin() {
      return admin;
    },
    get db() {
      return db;
    },
    get applied() {
      return applied;
    },

    async setUp() {
      const topic = uniqueName('test.things');
      const groupId = uniqueName('test-group');
      await ensureTopics(kafka, [topic, deadLetterTopic(groupId)]);
      topics.push(topic, deadLetterTopic(groupId));
      groups.push(groupId);
      const catalogue = testCatalogue(topic);
      return { topic, groupId, catalogue, store: new AppendPipeline(new EventStore(db.schema, catalogue), { outbox: new Outbox(db.schema, 'test', catalogue) }) };
    },

    append: (store, streamId, events) => db.dataSource.transaction((m) => store.append(m, { streamType: 'thing', streamId, expectedVersion: 'any', events })),

    consumer(options) {
      const settings = { schema: db.schema, kafka: withShortPolls(kafka), dataSource: db.dataSource };
      if ('handleBatch' in options) return new EventConsumer({ ...settings, ...options });
      const handle: EventHandler = options.handle ?? ((event, m) => m.query(`INSERT INTO ${applied} (consumer_group, event_id) VALUES ($1, $2)`, [options.groupId, event.id]));
      return new EventConsumer({ ...settings, ...options, handle });
    },

    async publishInvalidThing(topic, streamId, version) {
      const invalid: RecordedEvent = {
        ...thingHappened({ n: 'five' }),
        streamId,
        streamType: 'thing',
        version,
        globalPosition: '0',
        transactionId: '0',
        prevHash: '0'.repeat(64),
        hash: '0'.repeat(64),
      };
      const message = toKafkaMessage(invalid, 'test', topic);
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      await producer.send({ topic, messages: [{ key: message.key, value: JSON.stringify(message.value), headers: message.headers }] });
      await producer.disconnect();
      return invalid;
    },

    inboxIds: async (groupId) =>
      (await db.dataSource.query(`SELECT event_id FROM "${db.schema}".inbox WHERE consumer_group = $1 ORDER BY event_id`, [groupId])).map((r: { event_id: string }) => r.event_id),
    appliedIds: async (groupId) =>
      (await db.dataSource.query(`SELECT event_id FROM ${applied} WHERE consumer_group = $1 ORDER BY event_id`, [groupId])).map((r: { event_id: string }) => r.event_id),
  };
}
