import { EntityManager } from 'typeorm';
import { Consumer, KafkaMessage } from 'kafkajs';
import { isInfrastructureError } from '@support/event-store';
import { ConsumedEvent } from './cloud-event.codec';
import { ConsumerInbox } from './consumer-inbox';
import { deleteGroup, groupLag, SharedAdmin } from './consumer-lag';
import { ConsumerGroupMetrics } from './consumer-metrics';
import { BatchControl, EventConsumerOptions, EventHandler, EventPosition, Position } from './consumer-options';
import { deadLetterTopic, parkedCount, parkMessage, replayDeadLetters } from './dead-letters';
import { decodeEvent, eventIdOf, PoisonMessage } from './event-decoding';
import { MessageWork, runInChunks, runOneAtATime } from './fetch-loop';
import { GroupMembership } from './group-membership';
import { retryUntilSettled } from './retry-policy';
import { failedInTrace, inConsumerSpan, startConsumerSpans } from './trace-context';

export * from './consumer-options';
export { deadLetterTopic } from './dead-letters';
export { TransientRetry } from './retry-policy';

const DEFAULT_BATCH_SIZE = 500;

/**
 * A consumer group member with exactly-once effects: each event's handler runs in one database
 * transaction together with the inbox row (group, event id), so a redelivered event changes nothing.
 * A transient failure (the database away, a deadlock, a serialization failure, a version conflict) is
 * retried with back-off for as long as it lasts, the partition waiting (its lag grows, and every retry is
 * reported); any other failing event is retried a few times, then parked on the dead-letter topic, and
 * the partition moves on.
 */
export class EventConsumer {
  private readonly inbox: ConsumerInbox;
  private readonly membership: GroupMembership;
  private readonly admin: SharedAdmin;
  private readonly metrics: ConsumerGroupMetrics;
  private handled = 0;
  private parked = 0;
  // next offset to handle per `topic:partition`, as far as this instance has got
  private readonly reached = new Map<string, number>();
  private readonly handleEvent: EventHandler;
  private readonly actsOn: (type: string) => boolean;
  private startFromBeginning: boolean;

  constructor(private readonly options: EventConsumerOptions) {
    const { handle, handleBatch } = options;
    this.inbox = new ConsumerInbox(options.schema, options.groupId, options.dataSource);
    this.admin = new SharedAdmin(options.kafka);
    this.metrics = new ConsumerGroupMetrics(options.groupId, (type) => options.catalogue.has(type));
    this.membership = new GroupMembership({
      kafka: options.kafka,
      groupId: options.groupId,
      topics: options.topics,
      fromBeginning: () => this.startFromBeginning,
      run: (consumer) => this.run(consumer),
      onError: options.onError,
    });
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
    return this.membership.joined;
  }

  get groupId(): string {
    return this.options.groupId;
  }

  get deadLetterTopic(): string {
    return deadLetterTopic(this.options.groupId);
  }

  /** joins the group and resolves once partitions are assigned, so what is published after it is seen */
  async start(): Promise<void> {
    await this.membership.start();
  }

  /**
   * Joins the group in the background, tried again with back-off until it runs or stop() is called.
   * After a crash the dead instance keeps its place in the group until its session times out (6 s by
   * default, see GroupSession), and a new member waits that long to join: a service does not wait for that
   * before serving HTTP.
   */
  startInBackground(): void {
    this.membership.startInBackground();
  }

  async stop(): Promise<void> {
    await this.membership.stop();
    this.metrics.forgetLag();
    await this.admin.drop();
  }

  /**
   * Events on the topics that this group has not handled yet (0 = caught up): each partition's end
   * minus the furthest of this instance's position and the group's committed offset.
   */
  async lag(): Promise<number> {
    const { groupId, topics } = this.options;
    return this.admin.use((admin) => groupLag(admin, { groupId, topics, reached: this.reached, fromBeginning: this.startFromBeginning }));
  }

  /** messages on this group's dead-letter topic: every event parked so far, replayed since or not */
  async parkedMessages(): Promise<number> {
    return this.admin.use((admin) => parkedCount(admin, this.deadLetterTopic));
  }

  /**
   * Rebuilds from offset 0: leaves the group, deletes it (its committed offsets), lets `clear` empty the
   * read models in the transaction that forgets this group's inbox, and joins it anew from the beginning
   * of every topic, so every event is handled again. The broker refuses to delete a group that still has
   * members: while other instances are in it, nothing is cleared, this one rejoins where it was and
   * {@link GroupHasOtherMembers} is thrown (stop the others first; they would go on from their offsets
   * over emptied read models).
   */
  async replayFromStart(clear: (manager: EntityManager) => Promise<void>): Promise<void> {
    await this.stop();
    try {
      await deleteGroup(this.options.kafka, this.options.groupId);
    } catch (error) {
      await this.start();
      throw /not empty|NON_EMPTY_GROUP/i.test(errorText(error)) ? new GroupHasOtherMembers(this.options.groupId) : error;
    }
    await this.options.dataSource.transaction(async (manager) => {
      await clear(manager);
      await this.inbox.forget(manager);
    });
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
    const generation = this.membership.generation;
    const batch = { isRunning: () => this.membership.generation === generation, heartbeat: async () => undefined };
    return replayDeadLetters(this.options.kafka, this.options.groupId, (message, where) => this.process(message, where, batch));
  }

  private async run(consumer: Consumer): Promise<void> {
    // partitions another member holds now are its to report
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.metrics.keepOnly(payload.memberAssignment));
    const work: MessageWork = {
      handledAmong: (messages) => this.inbox.handledAmong(messages),
      passOver: (where) => this.moveOn(where.topic, where.partition, where.offset),
      process: (message, where, batch) => this.process(message, where, batch),
      processChunk: (messages, topic, partition, batch) => this.processChunk(messages, topic, partition, batch),
      progressed: (topic, partition, eventsLeft) => this.metrics.lag(topic, partition, eventsLeft),
    };
    if (this.options.handleBatch) await runInChunks(consumer, work, this.options.batchSize ?? DEFAULT_BATCH_SIZE, this.options.partitionsConcurrently);
    else await runOneAtATime(consumer, work);
  }

  /**
   * A chunk of one partition in one transaction. Should it fail, its events go one by one
   * through {@link process}, so only the failing event is retried and parked.
   */
  private async processChunk(messages: KafkaMessage[], topic: string, partition: number, batch: BatchControl): Promise<void> {
    const decoded = messages.map((message) => decodeEvent(message, { topic, partition, offset: message.offset }, this.options.catalogue));
    if (decoded.every((event) => !(event instanceof PoisonMessage))) {
      const spans = startConsumerSpans(messages, topic, this.spanAttributes(partition));
      try {
        const events = (decoded as ConsumedEvent[])
          .map((event, index) => (spans.traces[index] ? { ...event, trace: spans.traces[index] } : event))
          .filter((e) => this.actsOn(e.type));
        if (events.length > 0) this.countHandled(await this.inbox.applyAllOnce(events, topic, this.options.handleBatch!));
        this.moveOn(topic, partition, messages[messages.length - 1].offset);
        spans.end();
        return;
      } catch (error) {
        spans.end(error);
        if (isInfrastructureError(error)) this.options.onError?.(error, { topic, partition, offset: messages[0].offset });
      }
    }
    for (const message of messages) await this.process(message, { topic, partition, offset: message.offset }, batch);
  }

  /**
   * One event, retried (see retryUntilSettled), then parked if it still fails. Gives up without
   * parking when the consumer stops or loses the partition: the event is then delivered again.
   */
  private process(message: KafkaMessage, where: Position, batch: BatchControl): Promise<void> {
    // the handler runs in the trace of the event's send, so what it decides continues it
    return inConsumerSpan(message.headers, where.topic, this.spanAttributes(where.partition), () => this.settle(message, where, batch));
  }

  private async settle(message: KafkaMessage, where: Position, batch: BatchControl): Promise<void> {
    const settled = await retryUntilSettled(() => this.handleOnce(message, where), this.options, {
      report: (error) => {
        this.metrics.failed(this.metrics.typeLabelOf(message));
        this.options.onError?.(error, eventAt(message, where));
      },
      hopeless: (error) => error instanceof PoisonMessage,
      batch,
      stopped: `consumer of ${this.options.groupId} stopped while retrying ${where.topic}/${where.partition}@${where.offset}`,
    });
    if (settled) {
      await parkMessage(this.membership.producer, this.options.groupId, message, where, settled.failure);
      failedInTrace(settled.failure);
      this.parked++;
      this.metrics.parked();
    }
    this.moveOn(where.topic, where.partition, where.offset);
  }

  private async handleOnce(message: KafkaMessage, where: Position): Promise<void> {
    const event = decodeEvent(message, where, this.options.catalogue);
    if (event instanceof PoisonMessage) throw event;
    if (!this.actsOn(event.type)) return;
    if (await this.inbox.applyOnce(event, where.topic, this.handleEvent)) this.countHandled([event]);
  }

  private spanAttributes(partition: number) {
    return { 'messaging.consumer.group.name': this.options.groupId, 'messaging.destination.partition.id': String(partition) };
  }

  private countHandled(events: readonly ConsumedEvent[]): void {
    this.handled += events.length;
    this.metrics.handled(events.map((event) => event.type));
  }

  private moveOn(topic: string, partition: number, offset: string): void {
    this.reached.set(`${topic}:${partition}`, Number(offset) + 1);
  }
}

/** the position of a failing message, with its event's id and type when its headers carry them (for the error log) */
function eventAt(message: KafkaMessage, where: Position): EventPosition {
  return { ...where, eventId: eventIdOf(message), eventType: message.headers?.ce_type?.toString() };
}

/** A rebuild refused: other instances are members of the group. */
export class GroupHasOtherMembers extends Error {
  constructor(readonly groupId: string) {
    super(`other instances are in consumer group ${groupId}: stop them before a rebuild`);
  }
}

// kafkajs' DeleteGroups error names each group's own error in `groups`
function errorText(error: unknown): string {
  const e = error as { message?: string; groups?: Array<{ error?: { message?: string; type?: string } }> };
  return [e?.message, ...(e?.groups ?? []).flatMap((g) => [g.error?.message, g.error?.type])].join(' ');
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
