import { Kafka, LogEntry, logCreator, logLevel, Partitioners, Producer } from 'kafkajs';
import pino, { Level, Logger } from 'pino';
import { KafkaConnection, kafkaClientOptions } from './kafka-connection';

/**
 * The client every service and test holds. Only this library looks inside it: everything done with it
 * (topics, consumers, relays, probes, the helpers of topic-admin.ts and topic-io.ts) goes through
 * functions here, so the client library can be swapped in this one place.
 */
export type MessagingClient = Kafka;

/**
 * The one place that builds a Kafka client, so the client library can be swapped
 * (e.g. for @confluentinc/kafka-javascript's KafkaJS-compatible API) without touching callers.
 * The client's log goes through pino (the service's JSON lines) at the levels of {@link kafkaLogLevel}.
 */
export function createKafka(clientId: string, connection: KafkaConnection, logger: Logger = defaultLogger(clientId)): MessagingClient {
  return new Kafka({
    clientId,
    ...kafkaClientOptions(connection),
    // kafkajs' own info lines (joins, commits) only when debugging; its warnings and errors always
    logLevel: logger.isLevelEnabled('debug') ? logLevel.INFO : logLevel.WARN,
    logCreator: pinoLogCreator(logger),
    retry: { retries: 8, initialRetryTime: 200 },
    // kafkajs' 1 s is short for a TCP connect plus a SCRAM sign-in while seven services start on two cores
    connectionTimeout: 3000,
  });
}

// the cluster's passing states, which kafkajs retries by itself: a coordinator or a partition leader not
// (yet) there while a broker starts, elects or moves them, a topic just created, a group rebalancing, a
// connection that timed out or was refused
const TRANSIENT = [
  'The group coordinator is not available',
  "The coordinator is loading and hence can't process requests for this group",
  'This is not the correct coordinator for this group',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  'This server is not the leader for that topic-partition',
  'This server does not host this topic-partition',
  'The leader high watermark has not caught up from a recent leader election',
  'The group is rebalancing, so a rejoin is needed',
  'The coordinator is not aware of this member',
  // a broker slow to answer or (re)starting: kafkajs reconnects, and readiness says when Kafka is really gone
  'Connection timeout',
  'Connection error: connect ECONNREFUSED',
  'Failed to connect to seed broker',
];
const transient = (text: unknown) => typeof text === 'string' && TRANSIENT.some((known) => text.includes(known));

/**
 * The pino level of a kafkajs log entry. kafkajs logs every failed response at ERROR, although it retries
 * the request: a transient cluster state (the group coordinator not available at start, a leader being
 * elected) is `debug` for one response and `warn` where kafkajs says it retries or rejoins; a consumer that
 * restarts by itself is `warn` (its crash before stays an `error`); anything else keeps kafkajs' level.
 */
export function kafkaLogLevel(entry: Pick<LogEntry, 'namespace' | 'level'> & { log: { message: string; error?: unknown } }): Level {
  switch (entry.level) {
    case logLevel.ERROR: {
      const { message, error } = entry.log;
      // a consumer that gave up retrying stays an error, whatever the cause
      if (message.startsWith('Crash: ')) return 'error';
      if (transient(error) && entry.namespace === 'Connection' && message.startsWith('Response ')) return 'debug';
      if (transient(error) || transient(message)) return 'warn';
      return message.startsWith('Restarting the consumer in ') ? 'warn' : 'error';
    }
    case logLevel.WARN:
      return 'warn';
    case logLevel.INFO:
      return 'info';
    default:
      return 'debug';
  }
}

/** kafkajs' logCreator writing to a pino logger: the message as `msg`, kafkajs' fields beside it */
export function pinoLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () => (entry) => {
    const { message, timestamp: _timestamp, logger: _kafkajs, ...fields } = entry.log as LogEntry['log'] & Record<string, unknown>;
    kafkaLogger[kafkaLogLevel(entry)]({ namespace: entry.namespace || undefined, ...fields }, message);
  };
}

// a client built without the service's logger logs as the service would: JSON lines on stdout
function defaultLogger(clientId: string): Logger {
  const wanted = process.env.LOG_LEVEL;
  const level = wanted && (wanted in pino.levels.values || wanted === 'silent') ? wanted : 'info';
  return pino({ level, base: { service: clientId, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}

/**
 * The largest record batch a topic takes: the relay keeps its batches below 512 KiB and sends a larger
 * event alone, so this is the largest single event (the catalogue's largest, a visit signed with a 256 KiB
 * image, is ~350 KB of JSON), with room to spare.
 */
export const TOPIC_MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

/** Topics are the public record: unlimited retention, keyed by aggregate id. */
export async function ensureTopics(kafka: MessagingClient, topics: string[], partitions = 3): Promise<void> {
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
        configEntries: [
          { name: 'retention.ms', value: '-1' },
          { name: 'max.message.bytes', value: String(TOPIC_MAX_MESSAGE_BYTES) },
        ],
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
export function createIdempotentProducer(kafka: MessagingClient): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    // an idempotent producer keeps retrying through a broker outage rather than give up a message
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 10_000 },
  });
}
