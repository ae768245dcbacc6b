import { randomUUID } from 'node:crypto';
import { Inject, INestMicroservice } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { defineEvent, EventCatalogue, NewEvent } from '@support/contracts';
import { AppendPipeline } from '@support/command-handling';
import { EventStore, eventStoreMigrations } from '@support/event-store';
import {
  ConsumedEvent,
  createKafka,
  deadLetterTopic,
  ensureTopics,
  EventConsumerTransport,
  EventContext,
  EventHandlers,
  messagingMigration,
  MessagingClient,
  Outbox,
  OutboxRelay,
  readTopicFromStart,
  startEventHandlers,
  withTopicAdmin,
} from '@support/messaging';
import { kafkaAs, openTestSchema, testInfra } from '@support/test-kit';
import { actor, uniqueName, waitFor } from './support/messaging.fixtures';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const HAPPENED = 'test.transport-thing-happened.v1';
const NOTED = 'test.transport-thing-noted.v1';
const SEEN = Symbol('Seen');

/** what the handlers saw, by group: event ids, and each batch's size */
interface Seen {
  ids: Record<string, string[]>;
  batches: number[];
}

@EventHandlers()
class ThingsReactor {
  constructor(@Inject(SEEN) private readonly seen: Seen) {}

  @EventPattern([HAPPENED, NOTED], { group: 'things', retries: 1, backoffMs: 10 })
  async onThing(@Payload() event: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    await manager.query('SELECT 1');
    if ((event.data as { n: number }).n === 13) throw new Error(`thirteen refused: ${event.id}`);
    (this.seen.ids.things ??= []).push(event.id);
  }
}

@EventHandlers()
class HappenedReactor {
  constructor(@Inject(SEEN) private readonly seen: Seen) {}

  // the same type as ThingsReactor's, in a group of its own
  @EventPattern(HAPPENED, { group: 'happened' })
  async onHappened(@Payload() event: ConsumedEvent): Promise<void> {
    (this.seen.ids.happened ??= []).push(event.id);
  }
}

@EventHandlers()
class ThingsProjector {
  constructor(@Inject(SEEN) private readonly seen: Seen) {}

  @EventPattern([HAPPENED, NOTED], { group: 'projection', batchSize: 5 })
  async project(@Payload() events: ConsumedEvent[], @Ctx() context: EventContext): Promise<void> {
    await context.manager.query('SELECT 1');
    this.seen.batches.push(events.length);
    (this.seen.ids.projection ??= []).push(...events.map((e) => e.id));
  }
}

describe('event consumer transport: @EventPattern handlers on our consumer groups', () => {
  const infra = testInfra();
  const topic = uniqueName('test.transport');
  const seen: Seen = { ids: {}, batches: [] };
  let kafka: MessagingClient;
  let db: Awaited<ReturnType<typeof openTestSchema>>;
  let relay: OutboxRelay;
  let transport: EventConsumerTransport;
  let handlers: INestMicroservice | undefined;
  let store: AppendPipeline;

  const catalogue = new EventCatalogue(
    [HAPPENED, NOTED].map((type) =>
      defineEvent({
        type,
        topic,
        aggregate: 'thing',
        description: 'transport int tests only',
        schema: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } }, additionalProperties: false },
      }),
    ),
  );
  const event = (type: string, n: number): NewEvent => ({
    id: randomUUID(),
    type,
    data: { n },
    occurredAt: new Date(),
    metadata: { actor, causationId: null, correlationId: null },
  });

  beforeAll(async () => {
    kafka = createKafka('messaging-transport-int', kafkaAs('admin'));
    db = await openTestSchema('transport', (schema) => [...eventStoreMigrations(schema), messagingMigration(schema)]);
    await ensureTopics(kafka, [topic, ...['things', 'happened', 'projection'].map((group) => deadLetterTopic(`${db.schema}.${group}`))]);
    store = new AppendPipeline(new EventStore(db.schema, catalogue), { outbox: new Outbox(db.schema, 'test', catalogue) });
    relay = new OutboxRelay({ schema: db.schema, databaseUrl: infra.databaseUrl, kafka, idlePollMs: 100 });
    await relay.start();
    transport = new EventConsumerTransport({ schema: db.schema, kafka, dataSource: db.dataSource, catalogue });
    handlers = await startEventHandlers(transport, [ThingsReactor, HappenedReactor, ThingsProjector], [{ provide: SEEN, useValue: seen }]);
  });

  afterAll(async () => {
    await handlers?.close();
    await relay?.stop();
    await withTopicAdmin(kafka, async (admin) => {
      await admin.deleteGroups(transport.consumers.map((c) => c.groupId)).catch(() => undefined);
      await admin.deleteTopics([topic, ...transport.consumers.map((c) => c.deadLetterTopic)]).catch(() => undefined);
    });
    await db?.drop();
  });

  it('runs each group on its own consumer, with its types, inbox, dead letters and batches', async () => {
    expect(transport.consumers.map((c) => c.groupId)).toEqual(['things', 'happened', 'projection'].map((group) => `${db.schema}.${group}`));
    expect(transport.consumer('happened').joined).toBe(true);

    const happened = [1, 2, 3].map((n) => event(HAPPENED, n));
    const noted = [event(NOTED, 4), event(NOTED, 13)];
    await db.dataSource.transaction((m) => store.append(m, { streamType: 'thing', streamId: randomUUID(), expectedVersion: 'any', events: [...happened, ...noted] }));
    const all = [...happened, ...noted].map((e) => e.id);
    await waitFor(
      'every group through',
      () => (seen.ids.projection?.length ?? 0) === 5 && (seen.ids.happened?.length ?? 0) === 3 && transport.consumer('things').stats.parked === 1,
      30_000,
    );

    expect(seen.ids.things).toEqual(all.slice(0, 4));
    // each group's handler alone: the first group's calls do not run the second's
    expect(seen.ids.happened).toEqual(happened.map((e) => e.id));
    expect(seen.ids.projection).toEqual(all);
    expect(Math.max(...seen.batches)).toBeLessThanOrEqual(5);
    const inbox = async (group: string) =>
      (await db.dataSource.query(`SELECT event_id FROM "${db.schema}".inbox WHERE consumer_group = $1`, [`${db.schema}.${group}`]))
        .map((r: { event_id: string }) => r.event_id)
        .sort();
    expect(await inbox('happened')).toEqual(happened.map((e) => e.id).sort());
    expect(await inbox('things')).toEqual(all.slice(0, 4).sort());

    // the handler's own error reaches the dead letter, not Nest's "Internal server error"
    const parked = await readTopicFromStart(kafka, transport.consumer('things').deadLetterTopic, { timeoutMs: 30_000 });
    expect(parked.map((m) => m.headers.ce_id)).toEqual([noted[1].id]);
    expect(parked[0].headers.dlq_error).toBe(`thirteen refused: ${noted[1].id}`);
  });

  it('stops every group when closed', async () => {
    await handlers!.close();
    handlers = undefined;
    expect(transport.consumers.map((c) => c.joined)).toEqual([false, false, false]);
  });
});
