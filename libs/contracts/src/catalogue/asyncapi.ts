import { EventCatalogue } from './event-catalogue';
import { EventDefinition, JsonSchema } from './event-definition';
import { wireSchema } from './sealed-personal-data';

/** The Kafka headers every event carries (CloudEvents 1.0 binary mode, plus the catalogue's extensions). */
export const CLOUD_EVENT_HEADERS: JsonSchema = {
  type: 'object',
  required: ['ce_id', 'ce_source', 'ce_type', 'ce_subject', 'ce_time', 'ce_specversion', 'ce_streamversion', 'ce_actorid', 'ce_actorrole', 'ce_audithash'],
  properties: {
    ce_id: { type: 'string', format: 'uuid', description: 'the event id (what a later event names as its causation)' },
    ce_source: { type: 'string', description: 'the publishing service, e.g. intake' },
    ce_type: { type: 'string', description: 'the event type and version, e.g. support.ticket.received.v1' },
    ce_subject: { type: 'string', description: 'the aggregate id, also the Kafka key' },
    ce_time: { type: 'string', format: 'date-time', description: 'when it happened (UTC)' },
    ce_specversion: { const: '1.0' },
    'content-type': { const: 'application/json' },
    ce_streamversion: { type: 'string', description: "the event's version in its aggregate's stream (1, 2, ...)" },
    ce_causationid: { type: 'string', description: 'the event or command that caused it, when there is one' },
    ce_correlationid: { type: 'string', description: 'shared by everything that follows from one request' },
    ce_actorid: { type: 'string', description: 'who did it: a member id, or a service name' },
    ce_actorrole: { type: 'string', enum: ['lead', 'senior', 'agent', 'contractor', 'intake', 'analyst', 'service'] },
    ce_audithash: { type: 'string', pattern: '^[0-9a-f]{64}$', description: "sha256(prev_hash || canonical JSON): the stream's hash chain" },
    ce_traceparent: {
      type: 'string',
      pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
      description:
        'CloudEvents distributed-tracing extension: the W3C traceparent of the send that published the event, a child of the request or event it was decided in; present while tracing is on (not stored with the event, not hashed)',
    },
    ce_tracestate: { type: 'string', description: 'CloudEvents distributed-tracing extension: the W3C tracestate that came with the traceparent, when there was one' },
  },
};

/** Parked events of one consumer group go to `support.dlq.<group>` (the group's own, see libs/messaging). */
export const DEAD_LETTER_TOPIC_PREFIX = 'support.dlq.';

/** The headers a parked event carries besides its own: where it came from and why it failed. */
export const DEAD_LETTER_HEADERS: JsonSchema = {
  type: 'object',
  required: ['dlq_error', 'dlq_group', 'dlq_topic', 'dlq_partition', 'dlq_offset', 'dlq_parked_at'],
  properties: {
    ...(CLOUD_EVENT_HEADERS.properties as Record<string, JsonSchema>),
    dlq_error: { type: 'string', maxLength: 2000, description: 'why handling it failed for good (the error message)' },
    dlq_group: { type: 'string', description: 'the consumer group that parked it' },
    dlq_topic: { type: 'string', description: 'the topic it was read from' },
    dlq_partition: { type: 'string', description: 'its partition there' },
    dlq_offset: { type: 'string', description: 'its offset there' },
    dlq_parked_at: { type: 'string', format: 'date-time', description: 'when it was parked' },
  },
};

const SECURITY = [{ $ref: '#/components/securitySchemes/scram' }];

const messageName = (type: string) => type.replace(/^support\./, '').replace(/[^a-zA-Z0-9]+/g, '-');

/**
 * The AsyncAPI 3.0 document of the event catalogue: every topic (channel), the events on it with their
 * JSON Schema, the headers and the key. Analysts read the streams with any Kafka client from it.
 */
export function asyncApiDocument(catalogue: EventCatalogue, version: string): Record<string, unknown> {
  const definitions = [...catalogue.all()].sort((a, b) => a.type.localeCompare(b.type));
  const topics = [...new Set(definitions.map((d) => d.topic))].sort();
  const onTopic = (topic: string) => definitions.filter((d) => d.topic === topic);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Technical-support operations: event streams',
      version,
      description:
        'Every state change of every aggregate, published by its owning service through a transactional outbox. ' +
        'CloudEvents 1.0 in Kafka binary mode: the envelope in `ce_*` headers, the event data as the JSON value, ' +
        "the key is the aggregate id (one aggregate's events stay in order). Topics keep everything forever: read from offset 0. " +
        'Generated from libs/contracts (the event catalogue): do not edit by hand.',
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'the local KRaft broker (deploy/local/kafka.sh): SASL_PLAINTEXT; logins in .data/kafka/credentials.json',
        security: SECURITY,
      },
      analysts: {
        host: '{host}:29092',
        protocol: 'kafka-secure',
        description:
          "docker-compose.yml's listener for readers outside the compose network (SASL_SSL, the broker's certificate from the kafka_tls secret). " +
          'Analysts log in as the `analyst` principal: it may read every topic of this document except the dead-letter ones, from any offset, in consumer groups named `analyst.*`, and write nothing.',
        variables: { host: { default: 'localhost', description: 'KAFKA_EXTERNAL_HOST of docker-compose.yml' } },
        security: SECURITY,
      },
    },
    channels: Object.fromEntries([
      ...topics.map((topic) => [
        topic,
        {
          address: topic,
          description: `Aggregates: ${[...new Set(onTopic(topic).map((d) => d.aggregate))].join(', ')}; key = the aggregate id.`,
          messages: Object.fromEntries(onTopic(topic).map((d) => [messageName(d.type), { $ref: `#/components/messages/${messageName(d.type)}` }])),
          bindings: { kafka: { topic, topicConfiguration: { 'retention.ms': -1, 'cleanup.policy': ['delete'] } } },
        },
      ]),
      ['dead-letters', deadLetterChannel()],
    ]),
    operations: Object.fromEntries([
      ...topics.map((topic) => [
        `publish-${topic}`,
        {
          action: 'send',
          channel: { $ref: `#/channels/${topic}` },
          messages: onTopic(topic).map((d) => ({ $ref: `#/channels/${topic}/messages/${messageName(d.type)}` })),
        },
      ]),
      ['park-dead-letters', { action: 'send', channel: { $ref: '#/channels/dead-letters' }, messages: [{ $ref: '#/channels/dead-letters/messages/dead-lettered-event' }] }],
    ]),
    components: {
      messages: { ...Object.fromEntries(definitions.map((d) => [messageName(d.type), message(d)])), 'dead-lettered-event': deadLetteredEvent() },
      securitySchemes: {
        scram: {
          type: 'scramSha512',
          description: 'SASL/SCRAM-SHA-512: one login per principal (each service, `analyst`, `admin`); ACLs grant each only its own topics and groups',
        },
      },
    },
  };
}

// an event a consumer group could never handle, parked with why: its owner's operators look at it and replay it
function deadLetterChannel(): Record<string, unknown> {
  return {
    address: `${DEAD_LETTER_TOPIC_PREFIX}{group}`,
    description:
      "One topic per consumer group: the events it could never handle (a transient failure is retried instead), each unchanged with the headers of where it came from and why it failed. The owning service's `GET /v1/dead-letters` counts them and `POST /v1/dead-letters/{group}/replay` hands them to the group again. Read by the owning service and operators (`admin`), not by the `analyst` principal.",
    parameters: { group: { description: "the consumer group that parked the events: `<service>.<name>`, e.g. the dashboard's projection group" } },
    messages: { 'dead-lettered-event': { $ref: '#/components/messages/dead-lettered-event' } },
    bindings: { kafka: { topicConfiguration: { 'retention.ms': -1, 'cleanup.policy': ['delete'] } } },
  };
}

function deadLetteredEvent(): Record<string, unknown> {
  return {
    name: 'dead-lettered-event',
    title: 'a parked event',
    summary: 'Any event of this document that a consumer group parked: its key, headers and value as they were, plus the dlq_* headers.',
    contentType: 'application/json',
    headers: DEAD_LETTER_HEADERS,
    payload: { description: "the parked event's data, unchanged (its schema is its ce_type's)" },
  };
}

function message(definition: EventDefinition): Record<string, unknown> {
  return {
    name: definition.type,
    title: definition.type,
    summary: definition.description,
    contentType: 'application/json',
    headers: CLOUD_EVENT_HEADERS,
    payload: wireSchema(definition),
    ...(definition.personalData?.length ? { 'x-personal-data': definition.personalData } : {}),
    ...(definition.priceData?.length ? { 'x-price-data': definition.priceData } : {}),
    bindings: { kafka: { key: { type: 'string', description: `the ${definition.aggregate} id` } } },
  };
}

/** What each published event version looked like when it was published: its topic and schema. */
export type CatalogueLock = Record<string, { topic: string; schema: JsonSchema }>;

export function catalogueLock(catalogue: EventCatalogue): CatalogueLock {
  return Object.fromEntries([...catalogue.all()].sort((a, b) => a.type.localeCompare(b.type)).map((d) => [d.type, { topic: d.topic, schema: d.schema }]));
}

/**
 * How the catalogue breaks what was published: an event version removed, moved to another topic, or
 * its schema changed (descriptions aside). Changing an event means a new version, never an edit.
 */
export function incompatibleChanges(locked: CatalogueLock, current: CatalogueLock): string[] {
  return Object.entries(locked).flatMap(([type, before]) => {
    const now = current[type];
    if (!now) return [`${type} was removed: keep it (consumers still read old events); publish a new version instead`];
    if (now.topic !== before.topic) return [`${type} moved from ${before.topic} to ${now.topic}`];
    return JSON.stringify(withoutDescriptions(now.schema)) === JSON.stringify(withoutDescriptions(before.schema))
      ? []
      : [`${type}: its schema changed; an existing version never changes: define ${type.replace(/\.v(\d+)$/, (_, n) => `.v${Number(n) + 1}`)} instead`];
  });
}

function withoutDescriptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDescriptions);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => key !== 'description')
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, inner]) => [key, withoutDescriptions(inner)]),
  );
}
