import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { EventCatalogue } from '@support/contracts';
import { EventConsumer } from '@support/messaging';

// kafkajs starts a crashed consumer again by itself only after a retriable error (its CRASH event says
// `restart: true`); after any other, e.g. "Failed to find group coordinator" while a broker restarts, the
// consumer stays down. The fault-injection suite saw a service's group go Dead that way for good.

/** a kafkajs consumer as far as EventConsumer uses it: lifecycle and instrumentation events */
class FakeConsumer extends EventEmitter {
  readonly events = { GROUP_JOIN: 'consumer.group_join', FETCH: 'consumer.fetch', CRASH: 'consumer.crash', DISCONNECT: 'consumer.disconnect' } as const;
  running = false;

  constructor(private readonly refuseConnect: boolean) {
    super();
  }

  async connect(): Promise<void> {
    if (this.refuseConnect) throw new Error('Connection error: connect ECONNREFUSED');
  }

  async subscribe(): Promise<void> {}

  async run(): Promise<void> {
    this.running = true;
    // joined, then the first fetch (which resolves the partitions' offsets)
    void Promise.resolve().then(() => {
      this.emit(this.events.GROUP_JOIN, { payload: {} });
      this.emit(this.events.FETCH, { payload: {} });
    });
  }

  async disconnect(): Promise<void> {
    this.running = false;
    this.emit(this.events.DISCONNECT, {});
  }

  /** what kafkajs does on a crash: disconnect, then tell whether it will restart by itself */
  async crash(restart: boolean): Promise<void> {
    await this.disconnect();
    this.emit(this.events.CRASH, { payload: { error: new Error('Failed to find group coordinator'), groupId: 'g', restart } });
  }
}

function fakeKafka(refusals = 0) {
  const consumers: FakeConsumer[] = [];
  let refused = 0;
  const kafka = {
    consumer: () => {
      // the first consumer always connects; the next `refusals` ones do not (the broker is still away)
      const refuse = consumers.length > 0 && refused < refusals;
      if (refuse) refused++;
      const consumer = new FakeConsumer(refuse);
      consumers.push(consumer);
      return consumer;
    },
    producer: () => ({ connect: async () => undefined, disconnect: async () => undefined, send: async () => undefined }),
  } as unknown as Kafka;
  return { kafka, consumers };
}

function eventConsumer(kafka: Kafka, errors: string[]) {
  return new EventConsumer({
    schema: 'unused',
    groupId: 'g',
    topics: ['support.things.v1'],
    kafka,
    dataSource: {} as DataSource,
    catalogue: {} as EventCatalogue,
    handle: async () => undefined,
    onError: (error) => errors.push((error as Error).message),
  });
}

describe('event consumer: a consumer kafkajs gives up on', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is replaced by a new one in the same group, after a back-off', async () => {
    const { kafka, consumers } = fakeKafka();
    const errors: string[] = [];
    const consumer = eventConsumer(kafka, errors);
    await consumer.start();
    await consumers[0].crash(false);
    expect(consumers).toHaveLength(1);
    expect(errors).toEqual([expect.stringMatching(/consumer of g stopped \(Failed to find group coordinator\); starting it again in 1000 ms/)]);

    await jest.advanceTimersByTimeAsync(1000);
    expect(consumers).toHaveLength(2);
    expect(consumers[1].running).toBe(true);

    // and the new one is looked after in the same way
    await consumers[1].crash(false);
    await jest.advanceTimersByTimeAsync(1000);
    expect(consumers).toHaveLength(3);
    expect(consumers[2].running).toBe(true);
    await consumer.stop();
  });

  it('is tried again, waiting longer each time, while the broker does not answer', async () => {
    const { kafka, consumers } = fakeKafka(2);
    const errors: string[] = [];
    const consumer = eventConsumer(kafka, errors);
    await consumer.start();
    await consumers[0].crash(false);
    await jest.advanceTimersByTimeAsync(1000); // refused
    await jest.advanceTimersByTimeAsync(2000); // refused
    expect(consumers.map((c) => c.running)).toEqual([false, false, false]);
    await jest.advanceTimersByTimeAsync(4000);
    expect(consumers.map((c) => c.running)).toEqual([false, false, false, true]);
    expect(errors.map((e) => /in (\d+) ms/.exec(e)?.[1])).toEqual(['1000', '2000', '4000']);
    await consumer.stop();
  });

  it('is left to kafkajs when kafkajs restarts it itself', async () => {
    const { kafka, consumers } = fakeKafka();
    const consumer = eventConsumer(kafka, []);
    await consumer.start();
    await consumers[0].crash(true);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(consumers).toHaveLength(1);
    await consumer.stop();
  });

  it('is not replaced once the event consumer is stopped', async () => {
    const { kafka, consumers } = fakeKafka();
    const consumer = eventConsumer(kafka, []);
    await consumer.start();
    await consumers[0].crash(false);
    await consumer.stop();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(consumers).toHaveLength(1);
  });
});
