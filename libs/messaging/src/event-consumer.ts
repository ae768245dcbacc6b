import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Admin, Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { EventCatalogue, TOPIC_OWNERS } from '@support/contracts';
import { isInfrastructureError, isTransientError, qualified, TransientFailure } from '@support/event-store';
import { createIdempotentProducer } from './kafka-client';
import { ConsumedEvent, fromKafkaMessage } from './cloud-event.codec';

/** Runs inside the transaction that also records the event in the inbox. */
export type EventHandler = (event: ConsumedEvent, manager: EntityManager) => Promise<void>;
/**
 * Runs inside the transaction that also records the events in the inbox; the events are one partition's, in
 * order. The inbox rows are written before it, so a batch handler cannot append to an event store (whose
 * append must be a transaction's first write): it is for read models.
 */
export type BatchEventHandler = (events: ConsumedEvent[], manager: EntityManager) => Promise<void>;

/**
 * An event at a time (`handle`), or, for read models that can apply many events in a few statements,
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

export interface EventConsumerSettings {
  schema: string;
  groupId: string;
  topics: string[];
  kafka: Kafka;
  dataSource: DataSource;
  catalogue: EventCatalogue;
  /** attempts after the first failure before the event is parked (a transient failure is retried until it passes) */
  retries?: number;
  /** first wait before a retry, doubling up to `maxBackoffMs` (default 200 ms and 5 s) */
  backoffMs?: number;
  maxBackoffMs?: number;
  onError?: (error: unknown, event: { topic: string; partition: number; offset: string }) => void;
  /** where a new group starts: the topic's beginning (default: every event ever) or its end */
  fromBeginning?: boolean;
  /**
   * The event types the handler acts on, where it ignores the rest of its topics: the others are still
   * checked (a poison message is parked) but passed over without a transaction or an inbox row, since
   * handling them would change nothing.
   */
  types?: readonly string[];
}

/** Parked events of one consumer group go to their own topic, so they can be looked at and replayed. */
export function deadLetterTopic(groupId: string): string {
  return `support.dlq.${groupId}`;
}

class PoisonMessage extends Error {}

/** What onError hears about a transient failure: the event is tried again, not parked. */
export class TransientRetry extends TransientFailure {
  constructor(
    readonly failure: unknown,
    readonly attempt: number,
  ) {
    super(`transient failure, attempt ${attempt}, retrying: ${(failure as Error)?.message ?? failure}`);
  }
}

/** the fetched batch's controls that a retrying event needs */
interface BatchControl {
  isRunning(): boolean;
  heartbeat(): Promise<void>;
}

type Position = { topic: string; partition: number; offset: string };
const DEFAULT_BATCH_SIZE = 500;
/** first and longest wait before a crashed consumer is started again (doubling in between) */
const RESTART_BACKOFF_MS = { first: 1000, max: 30_000 };
// how long a fetch waits on the broker for new events: stop() (a rebuild, a shutdown) waits for the
// fetch under way, so kafkajs' default of 5 s made every stop of a caught-up consumer take 5 s
const FETCH_WAIT_MS = 500;
// kafkajs commits a group's offsets only at the end of a fetched batch, which one event per transaction
// can take minutes to work through: commit what is handled at least this often, so the group's lag
// (as any Kafka tool shows it) is the truth and a restart redelivers seconds of events, not minutes
const COMMIT_INTERVAL_MS = 1000;

/**
 * A consumer group member with exactly-once effects: each event's handler runs in one database
 * transaction together with the inbox row (group, event id), so a redelivered event changes nothing.
 * A transient failure (the database away, a deadlock, a serialization failure, a version conflict) is
 * retried with back-off for as long as it lasts, the partition waiting (its lag grows, and every retry is
 * reported); any other failing event is retried a few times, then parked on the dead-letter topic, and
 * the partition moves on.
 */
export class EventConsumer {
  private readonly inbox: string;
  private consumer?: Consumer;
  private producer?: Producer;
  private handled = 0;
  private parked = 0;
  // next offset to handle per `topic:partition`, as far as this instance has got
  private readonly reached = new Map<string, number>();
  private readonly handleEvent: EventHandler;
  private readonly actsOn: (type: string) => boolean;
  private startFromBeginning: boolean;
  // bumped by every start() and stop(): a restart scheduled for an earlier run gives up
  private generation = 0;
  // the run whose crashed consumer is being started again
  private restartingFor?: number;
  private admin?: Promise<Admin>;
  private joinedGroup = false;

  constructor(private readonly options: EventConsumerOptions) {
    this.inbox = qualified(options.schema, 'inbox');
    const { handle, handleBatch } = options;
    this.handleEvent = handle ?? ((event, manager) => handleBatch!([event], manager));
    this.startFromBeginning = options.fromBeginning ?? true;
    const types = options.types && new Set(options.types);
    this.actsOn = types ? (type) => types.has(type) : () => true;
  }

  get stats() {
    return { handled: this.handled, parked: this.parked };
  }

  /** whether this instance is in its group, with partitions assigned, right now */
  get joined(): boolean {
    return this.joinedGroup;
  }

  /** joins the group and resolves once partitions are assigned, so what is published after it is seen */
  async start(): Promise<void> {
    this.generation++;
    await this.connectAndRun();
  }

  /**
   * Joins the group in the background, tried again with back-off until it runs or stop() is called.
   * After a crash the dead instance keeps its place in the group until its session times out (30 s), and
   * a new member waits that long to join: a service does not wait for that before serving HTTP.
   */
  startInBackground(): void {
    const generation = ++this.generation;
    const where = { topic: this.options.topics.join(','), partition: -1, offset: '-1' };
    void (async () => {
      for (let attempt = 0; this.generation === generation; attempt++) {
        try {
          await this.connectAndRun();
          return;
        } catch (error) {
          if (this.generation !== generation) return;
          const waitMs = Math.min(RESTART_BACKOFF_MS.first * 2 ** attempt, RESTART_BACKOFF_MS.max);
          this.options.onError?.(new Error(`consumer of ${this.options.groupId} could not join (${(error as Error)?.message ?? error}); trying again in ${waitMs} ms`), where);
          await sleep(waitMs, { unref: true });
        }
      }
    })();
  }

  private async connectAndRun(): Promise<void> {
    const producer = createIdempotentProducer(this.options.kafka);
    this.producer = producer;
    try {
      await producer.connect();
      await this.runConsumer();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /**
   * A kafkajs consumer in the group, running; resolves once partitions are assigned, so what is
   * published after start() is seen.
   */
  private async runConsumer(): Promise<Consumer> {
    const consumer = this.options.kafka.consumer({ groupId: this.options.groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: FETCH_WAIT_MS });
    const generation = this.generation;
    let joinedOnce = false;
    const joined = new Promise<void>((resolve, reject) => {
      // a new group that starts at the end resolves "the end" at its first fetch, after the join: waiting
      // for that fetch makes start() the moment from which every event is seen
      let inGroup = false;
      consumer.on(consumer.events.GROUP_JOIN, () => (inGroup = true));
      consumer.on(consumer.events.FETCH, () => inGroup && resolve());
      // stopped (or started anew) before it joined: nobody waits for it any more
      consumer.on(consumer.events.DISCONNECT, () => {
        if (this.generation !== generation) reject(new Error(`consumer of ${this.options.groupId} stopped before it joined`));
      });
      // kafkajs starts a crashed consumer again only after a retriable error; after any other (e.g. no
      // group coordinator found while the broker restarts) it stays down for good, and with it this group
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart) return;
        if (this.consumer === consumer) this.joinedGroup = false;
        if (!joinedOnce) return reject(payload.error);
        if (this.consumer === consumer && this.generation === generation) this.restartAfterCrash(payload.error, generation);
      });
    });
    joined.catch(() => undefined);
    this.consumer = consumer;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: this.options.topics, fromBeginning: this.startFromBeginning });
      await this.run(consumer);
      await joined;
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    joinedOnce = true;
    this.joinedGroup = this.generation === generation;
    return consumer;
  }

  /** a new consumer in place of one kafkajs gave up on, tried with back-off until it runs or this one stops */
  private restartAfterCrash(error: unknown, generation: number): void {
    if (this.restartingFor === generation) return;
    this.restartingFor = generation;
    const where = { topic: this.options.topics.join(','), partition: -1, offset: '-1' };
    void (async () => {
      try {
        for (let attempt = 0; this.generation === generation; attempt++) {
          const waitMs = Math.min(RESTART_BACKOFF_MS.first * 2 ** attempt, RESTART_BACKOFF_MS.max);
          this.options.onError?.(new Error(`consumer of ${this.options.groupId} stopped (${(error as Error)?.message ?? error}); starting it again in ${waitMs} ms`), where);
          await sleep(waitMs, { unref: true });
          if (this.generation !== generation) return;
          try {
            const consumer = await this.runConsumer();
            // stopped (or started anew) while this one was joining: it must not stay
            if (this.generation !== generation) await consumer.disconnect().catch(() => undefined);
            return;
          } catch (failure) {
            error = failure;
          }
        }
      } finally {
        if (this.restartingFor === generation) this.restartingFor = undefined;
      }
    })();
  }

  private async run(consumer: Consumer): Promise<void> {
    if (this.options.handleBatch) {
      const size = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
      await consumer.run({
        partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 1,
        autoCommitInterval: COMMIT_INTERVAL_MS,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
          for (let start = 0; start < batch.messages.length; start += size) {
            if (!isRunning() || isStale()) return;
            const chunk = batch.messages.slice(start, start + size);
            await this.processChunk(chunk, batch.topic, batch.partition, { isRunning: () => isRunning() && !isStale(), heartbeat });
            resolveOffset(chunk[chunk.length - 1].offset);
            await commitOffsetsIfNecessary();
            await heartbeat();
          }
        },
      });
    } else {
      await consumer.run({
        autoCommitInterval: COMMIT_INTERVAL_MS,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
          const handledBefore = await this.handledAmong(batch.messages);
          for (const message of batch.messages) {
            if (!isRunning() || isStale()) return;
            const where = { topic: batch.topic, partition: batch.partition, offset: message.offset };
            if (handledBefore.has(eventIdOf(message) ?? '')) this.reached.set(`${where.topic}:${where.partition}`, Number(where.offset) + 1);
            else await this.process(message, where, { isRunning: () => isRunning() && !isStale(), heartbeat });
            resolveOffset(message.offset);
            await commitOffsetsIfNecessary();
            await heartbeat();
          }
        },
      });
    }
  }

  async stop(): Promise<void> {
    this.generation++;
    this.joinedGroup = false;
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await this.dropAdmin();
  }

  /**
   * Events on the topics that this group has not handled yet (0 = caught up): each partition's end
   * minus the furthest of this instance's position and the group's committed offset.
   */
  async lag(): Promise<number> {
    return this.withAdmin(async (admin) => {
      const committed = await admin.fetchOffsets({ groupId: this.options.groupId, topics: this.options.topics });
      let lag = 0;
      for (const topic of this.options.topics) {
        const group = new Map(committed.find((c) => c.topic === topic)?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
        for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
          const start = this.startFromBeginning ? Number(low) : Number(high);
          const at = Math.max(this.reached.get(`${topic}:${partition}`) ?? -1, group.get(partition) ?? -1);
          lag += Math.max(0, Number(high) - (at < 0 ? start : at));
        }
      }
      return lag;
    });
  }

  get groupId(): string {
    return this.options.groupId;
  }

  get deadLetterTopic(): string {
    return deadLetterTopic(this.options.groupId);
  }

  /** messages on this group's dead-letter topic: every event parked so far, replayed since or not */
  async parkedMessages(): Promise<number> {
    return this.withAdmin(async (admin) => {
      if (!(await admin.listTopics()).includes(this.deadLetterTopic)) return 0;
      return (await admin.fetchTopicOffsets(this.deadLetterTopic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    });
  }

  /** runs `use` on the one admin connection of lag() and parkedMessages(), connected on first use: a status page polls them */
  private async withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
    this.admin ??= (async () => {
      const admin = this.options.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error) => {
      this.admin = undefined;
      throw error;
    });
    const admin = await this.admin;
    try {
      return await use(admin);
    } catch (error) {
      // a broker restart, say: the next call connects afresh
      await this.dropAdmin();
      throw error;
    }
  }

  private async dropAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((connected) => connected.disconnect()).catch(() => undefined);
  }

  /**
   * Rebuilds from offset 0: leaves the group, lets `clear` empty the read models in the transaction
   * that forgets this group's inbox, deletes the group (its committed offsets) and joins it anew from
   * the beginning of every topic, so every event is handled again. Assumes this is the group's only
   * instance.
   */
  async replayFromStart(clear: (manager: EntityManager) => Promise<void>): Promise<void> {
    await this.stop();
    await this.options.dataSource.transaction(async (manager) => {
      await clear(manager);
      await manager.query(`DELETE FROM ${this.inbox} WHERE consumer_group = $1`, [this.options.groupId]);
    });
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteGroups([this.options.groupId]);
    } finally {
      await admin.disconnect();
    }
    this.reached.clear();
    this.startFromBeginning = true;
    await this.start();
  }

  /**
   * Runs every event parked so far back through the handler (after a fix, say). Events that are
   * handled leave the inbox no-op behind for later replays; those that fail again are parked anew.
   * Needs a started consumer (its producer re-parks).
   */
  async replayParked(): Promise<{ replayed: number }> {
    const topic = deadLetterTopic(this.options.groupId);
    const admin = this.options.kafka.admin();
    await admin.connect();
    const ends = (await admin.listTopics()).includes(topic) ? await admin.fetchTopicOffsets(topic) : [];
    await admin.disconnect();
    // only what was parked before the call: re-parked events wait for the next replay
    const pending = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));
    if (pending.size === 0) return { replayed: 0 };

    const generation = this.generation;
    const replayGroup = `${this.options.groupId}.replay.${randomUUID()}`;
    const replayer = this.options.kafka.consumer({ groupId: replayGroup });
    let replayed = 0;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    await replayer.connect();
    await replayer.subscribe({ topic, fromBeginning: true });
    await replayer.run({
      eachMessage: async ({ partition, message }) => {
        const end = pending.get(partition);
        if (end === undefined || Number(message.offset) >= end) return;
        const origin = (name: string) => message.headers?.[name]?.toString();
        await this.process(
          message,
          { topic: origin('dlq_topic') ?? topic, partition: Number(origin('dlq_partition') ?? partition), offset: origin('dlq_offset') ?? message.offset },
          { isRunning: () => this.generation === generation, heartbeat: async () => undefined },
        );
        replayed++;
        if (Number(message.offset) >= end - 1) pending.delete(partition);
        if (pending.size === 0) finished();
      },
    });
    await done;
    await replayer.disconnect();
    const cleanup = this.options.kafka.admin();
    await cleanup.connect();
    await cleanup.deleteGroups([replayGroup]).catch(() => undefined);
    await cleanup.disconnect();
    return { replayed };
  }

  /**
   * A chunk of one partition in one transaction. Should it fail, its events go one by one through
   * {@link process}, so only the failing event is retried and parked.
   */
  private async processChunk(messages: KafkaMessage[], topic: string, partition: number, batch: BatchControl): Promise<void> {
    const decoded = messages.map((message) => ({ message, event: this.decode(message, { topic, partition, offset: message.offset }) }));
    if (decoded.every((d) => !(d.event instanceof PoisonMessage))) {
      try {
        await this.handleAllOnce(decoded.map((d) => d.event as ConsumedEvent), topic);
        this.reached.set(`${topic}:${partition}`, Number(messages[messages.length - 1].offset) + 1);
        return;
      } catch (error) {
        if (isInfrastructureError(error)) this.options.onError?.(error, { topic, partition, offset: messages[0].offset });
      }
    }
    for (const message of messages) await this.process(message, { topic, partition, offset: message.offset }, batch);
  }

  private async handleAllOnce(all: ConsumedEvent[], topic: string): Promise<void> {
    const events = all.filter((e) => this.actsOn(e.type));
    if (events.length === 0) return;
    const applied = await this.options.dataSource.transaction(async (manager) => {
      // the inbox rows first, in one statement: the events it inserts are the fresh ones; a concurrent
      // duplicate waits for the other transaction and is then passed over
      const rows: Array<{ event_id: string }> = await manager.query(
        `INSERT INTO ${this.inbox} (consumer_group, event_id, topic) SELECT $1, unnest($2::uuid[]), $3 ON CONFLICT DO NOTHING RETURNING event_id`,
        [this.options.groupId, [...new Set(events.map((e) => e.id))], topic],
      );
      const claimed = new Set(rows.map((r) => r.event_id));
      // an event delivered twice within the chunk counts once
      const fresh = events.filter((e) => claimed.delete(e.id));
      if (fresh.length > 0) await this.options.handleBatch!(fresh, manager);
      return fresh.length;
    });
    this.handled += applied;
  }

  /**
   * The events of a fetched batch that this group has handled already, in one query outside any
   * transaction: a redelivered stretch (a rewind, a restart) is passed over without a transaction per
   * event. Only a hint; each event's own transaction still checks the inbox.
   */
  private async handledAmong(messages: KafkaMessage[]): Promise<Set<string>> {
    const ids = messages.map(eventIdOf).filter((id): id is string => id !== undefined);
    if (ids.length === 0) return new Set();
    try {
      const rows: Array<{ event_id: string }> = await this.options.dataSource.query(
        `SELECT event_id FROM ${this.inbox} WHERE consumer_group = $1 AND event_id = ANY($2::uuid[])`,
        [this.options.groupId, ids],
      );
      return new Set(rows.map((row) => row.event_id));
    } catch {
      // the database is away: each event finds that out in its own transaction, and is retried
      return new Set();
    }
  }

  /**
   * One event, retried: a transient failure for as long as it lasts (the partition waits, the group
   * keeps its heartbeat), any other a few times before it is parked. Gives up without parking when the
   * consumer stops or loses the partition: the event is then delivered again.
   */
  private async process(message: KafkaMessage, where: Position, batch: BatchControl): Promise<void> {
    const retries = this.options.retries ?? 3;
    const backoffMs = this.options.backoffMs ?? 200;
    const maxBackoffMs = this.options.maxBackoffMs ?? 5_000;
    for (let attempt = 0, failures = 0; ; attempt++) {
      try {
        await this.handleOnce(message, where);
        this.reached.set(`${where.topic}:${where.partition}`, Number(where.offset) + 1);
        return;
      } catch (error) {
        const transient = isTransientError(error);
        this.options.onError?.(transient ? new TransientRetry(error, attempt + 1) : error, where);
        if (!transient) failures++;
        if (error instanceof PoisonMessage || failures > retries) {
          await this.park(message, where, error);
          this.reached.set(`${where.topic}:${where.partition}`, Number(where.offset) + 1);
          return;
        }
        await sleep(Math.min(backoffMs * 2 ** Math.min(attempt, 20), maxBackoffMs));
        if (!batch.isRunning()) throw new Error(`consumer of ${this.options.groupId} stopped while retrying ${where.topic}/${where.partition}@${where.offset}`);
        await batch.heartbeat();
      }
    }
  }

  /** the event, or why it can never be handled */
  private decode(message: KafkaMessage, where: Position): ConsumedEvent | PoisonMessage {
    let event: ConsumedEvent;
    try {
      event = fromKafkaMessage(message, where);
    } catch (error) {
      return new PoisonMessage(`not a CloudEvent: ${(error as Error).message}`);
    }
    // only the owning service writes an aggregate family's topic: anything else is misconfigured or forged
    const owner = TOPIC_OWNERS[where.topic];
    if (owner !== undefined && event.source !== owner) return new PoisonMessage(`${event.type} on ${where.topic} comes from ${event.source}, not ${owner}, the topic's owner`);
    if (this.options.catalogue.has(event.type)) {
      const valid = this.options.catalogue.validate(event.type, event.data);
      if (!valid.ok) return new PoisonMessage(`${event.type} does not match its schema: ${valid.errors.join('; ')}`);
    }
    return event;
  }

  private async handleOnce(message: KafkaMessage, where: Position): Promise<void> {
    const event = this.decode(message, where);
    if (event instanceof PoisonMessage) throw event;
    if (!this.actsOn(event.type)) return;
    const applied = await this.options.dataSource.transaction(async (manager) => {
      const seen = await manager.query(`SELECT 1 FROM ${this.inbox} WHERE consumer_group = $1 AND event_id = $2`, [this.options.groupId, event.id]);
      if (seen.length > 0) return false;
      await this.handleEvent(event, manager);
      // a concurrent duplicate makes this insert fail, which rolls the handler's writes back
      await manager.query(`INSERT INTO ${this.inbox} (consumer_group, event_id, topic) VALUES ($1, $2, $3)`, [this.options.groupId, event.id, where.topic]);
      return true;
    });
    if (applied) this.handled++;
  }

  private async park(message: KafkaMessage, where: Position, error: unknown): Promise<void> {
    const headers: IHeaders = {
      ...message.headers,
      dlq_error: String((error as Error)?.message ?? error).slice(0, 2000),
      dlq_group: this.options.groupId,
      dlq_topic: where.topic,
      dlq_partition: String(where.partition),
      dlq_offset: where.offset,
      dlq_parked_at: new Date().toISOString(),
    };
    await this.producer!.send({ topic: deadLetterTopic(this.options.groupId), messages: [{ key: message.key, value: message.value, headers }] });
    this.parked++;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** the CloudEvent id in the headers, when it is one an inbox can hold (anything else is poison, found later) */
function eventIdOf(message: KafkaMessage): string | undefined {
  const id = message.headers?.ce_id?.toString();
  return id !== undefined && UUID.test(id) ? id : undefined;
}

function sleep(ms: number, { unref = false } = {}): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    // a restart waiting for its turn must not keep a stopping process alive
    if (unref) timer.unref();
  });
}

/**
 * Starts a runtime's consumers: awaiting each group's join (tests, so that what is published after start
 * is seen), or joining in the background (a service's main, which serves HTTP at once: commands need
 * PostgreSQL, not the consumers).
 */
export async function startConsumers(consumers: readonly EventConsumer[], { inBackground = false } = {}): Promise<void> {
  if (inBackground) for (const consumer of consumers) consumer.startInBackground();
  else await Promise.all(consumers.map((consumer) => consumer.start()));
}
