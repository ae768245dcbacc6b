// An outbox relay in its own process, so that a test can kill -9 it mid-batch.
// Run: node --require ./libs/messaging/test/support/swc-register.js ./libs/messaging/test/support/relay-child.ts
// Env: RELAY_SCHEMA (required), DATABASE_URL, KAFKA_BROKERS, RELAY_BATCH_SIZE, RELAY_SEND_DELAY_MS.
import { Kafka, Producer } from 'kafkajs';
import { createKafka, OutboxRelay } from '@support/messaging';
import { testInfra, kafkaAs } from '@support/test-kit';

const schema = process.env.RELAY_SCHEMA;
if (!schema) throw new Error('RELAY_SCHEMA is required');
const batchSize = Number(process.env.RELAY_BATCH_SIZE ?? 5);
// a pause after each send is acknowledged and before the relay checkpoints: it widens the window
// in which a crash makes the relay send a batch again (a slow network ack would do the same)
const sendDelayMs = Number(process.env.RELAY_SEND_DELAY_MS ?? 0);

const kafka = createKafka(`relay-child-${process.pid}`, kafkaAs('admin'));
const slowKafka = Object.assign(Object.create(kafka) as Kafka, {
  producer(config?: Parameters<Kafka['producer']>[0]): Producer {
    const producer = kafka.producer(config);
    const sendBatch = producer.sendBatch.bind(producer);
    producer.sendBatch = async (batch) => {
      const result = await sendBatch(batch);
      if (sendDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, sendDelayMs));
      return result;
    };
    return producer;
  },
});

const relay = new OutboxRelay({
  schema,
  databaseUrl: testInfra().databaseUrl,
  kafka: slowKafka,
  batchSize,
  idlePollMs: 100,
  onError: (error) => console.error(`relay error: ${(error as Error)?.message ?? error}`),
});

async function main(): Promise<void> {
  await relay.start();
  console.log(JSON.stringify({ started: process.pid }));
  const report = setInterval(() => console.log(JSON.stringify({ leader: relay.isLeader, published: relay.publishedCount })), 100);
  process.once('SIGTERM', () => {
    clearInterval(report);
    relay.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
