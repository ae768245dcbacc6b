// The broker every test and `npm start` use is secured as production is (deploy/local/kafka.sh): SASL/SCRAM
// sign-in and the ACLs of kafkaAccessPlan (provisioned by jest's global setup). A client without credentials
// is refused, a service may write only its own topics and use only its own groups, the analyst reads all.
import { randomUUID } from 'node:crypto';
import { eventCatalogue, TICKETS_TOPIC } from '@support/contracts';
import { kafkaAs, kafkaCredentialsFile, testInfra } from '@support/test-kit';
import { Kafka, KafkaConfig, logLevel } from 'kafkajs';
import { deadLetterTopic, KAFKA_ANALYST_PRINCIPAL, kafkaClientOptions, KafkaConnection } from '../src';

const quiet = { logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 100 }, connectionTimeout: 3000 } satisfies Partial<KafkaConfig>;
const clientOf = (connection: KafkaConnection) => new Kafka({ clientId: `acl-test-${randomUUID()}`, ...kafkaClientOptions(connection), ...quiet });

async function produce(kafka: Kafka, topic: string): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: true, retry: { retries: 1 } });
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ key: 'acl-test', value: '{}' }] });
  } finally {
    await producer.disconnect();
  }
}

/** joins `groupId` on `topics` and resolves with what it was assigned (or rejects with the broker's refusal) */
async function join(kafka: Kafka, groupId: string, topics: string[]): Promise<Record<string, number[]>> {
  const consumer = kafka.consumer({ groupId, retry: { retries: 0 } });
  await consumer.connect();
  try {
    const crashed = new Promise<never>((_, reject) => consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error)));
    const joined = new Promise<Record<string, number[]>>((resolve) => consumer.on(consumer.events.GROUP_JOIN, (event) => resolve(event.payload.memberAssignment)));
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ eachMessage: async () => undefined });
    return await Promise.race([joined, crashed]);
  } finally {
    await consumer.disconnect();
  }
}

/** reads each topic from offset 0 to its end of the moment; how many messages it holds and how many were read, per topic */
async function readEverything(kafka: Kafka, topics: string[]): Promise<{ expected: Record<string, number>; read: Record<string, number> }> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, bigint>();
  const expected: Record<string, number> = {};
  for (const topic of topics) {
    expected[topic] = 0;
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
      expected[topic] += Number(high) - Number(low);
      if (BigInt(high) > BigInt(low)) ends.set(`${topic}/${partition}`, BigInt(high));
    }
  }
  await admin.disconnect();
  const read: Record<string, number> = Object.fromEntries(topics.map((topic) => [topic, 0]));
  const seen = new Set<string>();
  if (ends.size === 0) return { expected, read };
  const consumer = kafka.consumer({ groupId: `analyst.acl-read-${randomUUID()}`, maxBytes: 50 * 1024 * 1024 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${JSON.stringify(read)} of ${JSON.stringify(expected)} in 60 s`)), 60_000);
      consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          const end = ends.get(`${topic}/${partition}`);
          // each offset once, even if a rebalance delivers it again
          if (end === undefined || BigInt(message.offset) >= end || seen.has(`${topic}/${partition}/${message.offset}`)) return;
          seen.add(`${topic}/${partition}/${message.offset}`);
          read[topic] += 1;
          if (BigInt(message.offset) === end - 1n) ends.delete(`${topic}/${partition}`);
          if (ends.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return { expected, read };
}

describe('Kafka sign-in and ACLs (the local broker, secured as production)', () => {
  const { kafkaBrokers } = testInfra();
  // a group's dead letters under the service's own schema (tests' t_… schemas are open to every service)
  const deadLettersOf = (schema: string) => deadLetterTopic(`${schema}.acl-test-${randomUUID().slice(0, 8)}`);
  // kafkajs reports a group the ACLs refuse as a coordinator it cannot find (the broker's answer is
  // GROUP_AUTHORIZATION_FAILED): each refusal below is beside the same request that succeeds for a group of its own
  const GROUP_REFUSED = /Failed to find group coordinator/;
  // TOPIC_AUTHORIZATION_FAILED, as kafkajs words it for a topic that exists and for one that does not yet
  const TOPIC_REFUSED = /Topic authorization failed|Not authorized to access topics/;

  beforeAll(() => {
    // an open broker (testcontainers') has no principals to tell apart: this suite needs deploy/local/kafka.sh's
    expect(kafkaCredentialsFile()).toBeDefined();
  });

  it('refuses a client without credentials', async () => {
    const admin = clientOf({ brokers: kafkaBrokers }).admin();
    await expect(admin.connect().then(() => admin.listTopics())).rejects.toThrow();
    await admin.disconnect();
  });

  it('refuses a wrong password', async () => {
    const admin = clientOf({ brokers: kafkaBrokers, sasl: { mechanism: 'scram-sha-512', username: 'routing', password: 'not-its-password' } }).admin();
    await expect(admin.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed|Authentication failed/i);
    await admin.disconnect();
  });

  it('lets routing write its own dead letters but not the tickets topic, which only intake writes', async () => {
    const routing = clientOf(kafkaAs('routing'));
    await expect(produce(routing, deadLettersOf('routing'))).resolves.toBeUndefined();
    await expect(produce(routing, TICKETS_TOPIC)).rejects.toThrow(TOPIC_REFUSED);
  });

  it("keeps a service out of another's dead letters and groups, and out of topics it does not consume", async () => {
    const intake = clientOf(kafkaAs('intake'));
    await expect(produce(intake, deadLettersOf('routing'))).rejects.toThrow(TOPIC_REFUSED);
    await expect(produce(intake, deadLettersOf('intake'))).resolves.toBeUndefined();
    const routing = clientOf(kafkaAs('routing'));
    await expect(join(routing, `intake.acl-test-${randomUUID()}`, [TICKETS_TOPIC])).rejects.toThrow(GROUP_REFUSED);
    await expect(join(routing, `routing.acl-test-${randomUUID()}`, [TICKETS_TOPIC])).resolves.toHaveProperty([TICKETS_TOPIC]);
    // routing consumes tickets and scenarios, never leads
    await expect(join(routing, `t_routing_acl${randomUUID().slice(0, 8)}.x`, ['support.leads.v1'])).rejects.toThrow(TOPIC_REFUSED);
  });

  it('lets the analyst read every topic of the catalogue from offset 0, and write none', async () => {
    const analyst = clientOf(kafkaAs(KAFKA_ANALYST_PRINCIPAL));
    const topics = eventCatalogue.topics();
    const assigned = await join(analyst, `analyst.acl-test-${randomUUID()}`, topics);
    expect(Object.keys(assigned).sort()).toEqual([...topics].sort());
    // and the records themselves: every message of every topic, from offset 0 to its end as it is now
    const { expected, read } = await readEverything(analyst, topics);
    expect(read).toEqual(expected);
    await expect(produce(analyst, TICKETS_TOPIC)).rejects.toThrow(TOPIC_REFUSED);
    await expect(join(analyst, `reports-${randomUUID()}`, [TICKETS_TOPIC])).rejects.toThrow(GROUP_REFUSED);
  });
});
