import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';

/**
 * The one place that builds a Kafka client, so the client library can be swapped
 * (e.g. for @confluentinc/kafka-javascript's KafkaJS-compatible API) without touching callers.
 */
export function createKafka(clientId: string, brokers: string[]): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.WARN, retry: { retries: 8, initialRetryTime: 200 } });
}

/** Topics are the public record: unlimited retention, keyed by aggregate id. */
export async function ensureTopics(kafka: Kafka, topics: string[], partitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: partitions,
        replicationFactor: 1,
        configEntries: [{ name: 'retention.ms', value: '-1' }],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * The producer every publisher uses: idempotent with one request in flight, so retries neither
 * duplicate nor reorder a partition; the default (Java-compatible murmur2) partitioner puts a key
 * on the same partition as any other Kafka client would.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    // an idempotent producer keeps retrying through a broker outage rather than give up a message
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 10_000 },
  });
}
