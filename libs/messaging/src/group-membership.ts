import { Consumer, Producer } from 'kafkajs';
import { createIdempotentProducer, MessagingClient } from './kafka-client';
import { GroupSession, groupSessionFromEnv, Position } from './consumer-options';
import { restartDelay, sleep } from './retry-policy';

// how long a fetch waits on the broker for new events: stop() (a rebuild, a shutdown) waits for the
// fetch under way, so kafkajs' default of 5 s made every stop of a caught-up consumer take 5 s
const FETCH_WAIT_MS = 500;

export interface MembershipOptions {
  kafka: MessagingClient;
  groupId: string;
  topics: readonly string[];
  /** where a new group starts, asked at every join (a rebuild changes it) */
  fromBeginning(): boolean;
  /** runs the joined consumer: the fetch loop */
  run(consumer: Consumer): Promise<void>;
  onError?: (error: unknown, event: Position) => void;
  /** default: from the environment ({@link groupSessionFromEnv}) */
  session?: GroupSession;
}

/**
 * A member of a consumer group, with the producer that parks its dead letters: joins, notices when
 * kafkajs gives up on its consumer, and starts a new one with back-off until it runs or is stopped.
 */
export class GroupMembership {
  private consumer?: Consumer;
  private producerOfRun?: Producer;
  // bumped by every start() and stop(): a restart scheduled for an earlier run gives up
  private generationOfRun = 0;
  // the run whose crashed consumer is being started again
  private restartingFor?: number;
  private joinedGroup = false;
  private readonly session: GroupSession;

  constructor(private readonly options: MembershipOptions) {
    // read once, at construction: a bad setting stops the service's start, not a background join
    this.session = options.session ?? groupSessionFromEnv();
  }

  /** whether this instance is in its group, with partitions assigned, right now */
  get joined(): boolean {
    return this.joinedGroup;
  }

  /** the current run: a replay started in one run gives up once it is over */
  get generation(): number {
    return this.generationOfRun;
  }

  /** the producer of the current run (it parks dead letters) */
  get producer(): Producer {
    if (!this.producerOfRun) throw new Error(`consumer of ${this.options.groupId} is not started`);
    return this.producerOfRun;
  }

  /** joins the group and resolves once partitions are assigned, so what is published after it is seen */
  async start(): Promise<void> {
    this.generationOfRun++;
    await this.connectAndRun();
  }

  /** joins the group in the background, tried again with back-off until it runs or stop() is called */
  startInBackground(): void {
    const generation = ++this.generationOfRun;
    void (async () => {
      for (let attempt = 0; this.generationOfRun === generation; attempt++) {
        try {
          await this.connectAndRun();
          return;
        } catch (error) {
          if (this.generationOfRun !== generation) return;
          const waitMs = restartDelay(attempt);
          this.report(`could not join (${(error as Error)?.message ?? error}); trying again in ${waitMs} ms`);
          await sleep(waitMs, { unref: true });
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.generationOfRun++;
    this.joinedGroup = false;
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producerOfRun?.disconnect().catch(() => undefined);
  }

  private report(what: string): void {
    this.options.onError?.(new Error(`consumer of ${this.options.groupId} ${what}`), { topic: this.options.topics.join(','), partition: -1, offset: '-1' });
  }

  private async connectAndRun(): Promise<void> {
    const producer = createIdempotentProducer(this.options.kafka);
    this.producerOfRun = producer;
    try {
      await producer.connect();
      await this.runConsumer();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** a kafkajs consumer in the group, running; resolves once partitions are assigned */
  private async runConsumer(): Promise<Consumer> {
    const { kafka, groupId, topics } = this.options;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: FETCH_WAIT_MS, ...this.session });
    const generation = this.generationOfRun;
    let joinedOnce = false;
    const joined = new Promise<void>((resolve, reject) => {
      // a new group that starts at the end resolves "the end" at its first fetch, after the join: waiting
      // for that fetch makes start() the moment from which every event is seen
      let inGroup = false;
      consumer.on(consumer.events.GROUP_JOIN, () => (inGroup = true));
      consumer.on(consumer.events.FETCH, () => inGroup && resolve());
      // stopped (or started anew) before it joined: nobody waits for it any more
      consumer.on(consumer.events.DISCONNECT, () => {
        if (this.generationOfRun !== generation) reject(new Error(`consumer of ${groupId} stopped before it joined`));
      });
      // kafkajs starts a crashed consumer again only after a retriable error; after any other (e.g. no
      // group coordinator found while the broker restarts) it stays down for good, and with it this group
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart) return;
        if (this.consumer === consumer) this.joinedGroup = false;
        if (!joinedOnce) return reject(payload.error);
        if (this.consumer === consumer && this.generationOfRun === generation) this.restartAfterCrash(payload.error, generation);
      });
    });
    joined.catch(() => undefined);
    this.consumer = consumer;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...topics], fromBeginning: this.options.fromBeginning() });
      await this.options.run(consumer);
      await joined;
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    joinedOnce = true;
    this.joinedGroup = this.generationOfRun === generation;
    return consumer;
  }

  /** a new consumer in place of one kafkajs gave up on, tried with back-off until it runs or this one stops */
  private restartAfterCrash(error: unknown, generation: number): void {
    if (this.restartingFor === generation) return;
    this.restartingFor = generation;
    void (async () => {
      try {
        for (let attempt = 0; this.generationOfRun === generation; attempt++) {
          const waitMs = restartDelay(attempt);
          this.report(`stopped (${(error as Error)?.message ?? error}); starting it again in ${waitMs} ms`);
          await sleep(waitMs, { unref: true });
          if (this.generationOfRun !== generation) return;
          try {
            const consumer = await this.runConsumer();
            // stopped (or started anew) while this one was joining: it must not stay
            if (this.generationOfRun !== generation) await consumer.disconnect().catch(() => undefined);
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
}
