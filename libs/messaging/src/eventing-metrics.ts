import { Counter, Gauge, Histogram, Metric } from 'prom-client';

// none of these is registered here (`registers: []`): the service kit adds them to the one registry its
// `GET /metrics` serves, so this library needs no service kit and tests may read them directly

/** Events a group's partition has yet to handle: its high-water mark minus the next offset to handle, as of the last batch handled. */
export const consumerLag = new Gauge({
  name: 'support_consumer_lag',
  help: 'Events on a partition the consumer group has not handled yet (high-water mark of the last fetched batch minus the next offset to handle)',
  labelNames: ['group', 'topic', 'partition'] as const,
  registers: [],
});

/** Events whose handler committed (inbox row written), by group and event type. */
export const eventsHandled = new Counter({
  name: 'support_events_handled_total',
  help: 'Events a consumer group handled (committed with its inbox row), by event type',
  labelNames: ['group', 'type'] as const,
  registers: [],
});

/** Failed attempts to handle an event, transient ones (retried) included, by group and event type. */
export const eventsFailed = new Counter({
  name: 'support_events_failed_total',
  help: 'Failed attempts to handle an event (each retry counts), by consumer group and event type',
  labelNames: ['group', 'type'] as const,
  registers: [],
});

/** Events parked on a group's dead-letter topic by this process. */
export const deadLettersParked = new Counter({
  name: 'support_dead_letters_total',
  help: 'Events this process parked on the consumer group dead-letter topic',
  labelNames: ['group'] as const,
  registers: [],
});

/** How long the relay's producer took to have one batch acknowledged by Kafka. */
export const relayPublishDuration = new Histogram({
  name: 'support_relay_publish_duration_seconds',
  help: 'Duration of the outbox relay publish call (one batch sent and acknowledged by Kafka), in seconds',
  labelNames: ['schema'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [],
});

/** Outbox rows the relay has not published yet: sampled when scraped (see {@link watchOutbox}). */
export const outboxBacklog = new Gauge({
  name: 'support_outbox_backlog',
  help: 'Outbox rows not published to Kafka yet (after the relay checkpoint), sampled when scraped',
  labelNames: ['schema'] as const,
  registers: [],
  collect: () => sampleOutboxes(),
});

/** Age of the oldest unpublished outbox row (0 when none waits): sampled when scraped. */
export const outboxOldestAge = new Gauge({
  name: 'support_outbox_oldest_age_seconds',
  help: 'Age in seconds of the oldest outbox row not published yet (0 when none waits), sampled when scraped',
  labelNames: ['schema'] as const,
  registers: [],
  collect: () => sampleOutboxes(),
});

/** Every metric of this library, for the service kit to register. */
export const EVENTING_METRICS: readonly Metric[] = [consumerLag, eventsHandled, eventsFailed, deadLettersParked, relayPublishDuration, outboxBacklog, outboxOldestAge];

/** What a sample of an outbox finds. */
export interface OutboxBacklogSample {
  backlog: number;
  oldestAgeSeconds: number;
}

// one sampler per running relay, by schema: asked once per scrape
const outboxSamplers = new Map<string, () => Promise<OutboxBacklogSample | undefined>>();
let sampling: Promise<void> | undefined;

/**
 * Has the outbox gauges ask `sample` at each scrape (undefined: nothing to say right now, e.g. no database
 * connection). Returns what stops it and drops the schema's series.
 */
export function watchOutbox(schema: string, sample: () => Promise<OutboxBacklogSample | undefined>): () => void {
  outboxSamplers.set(schema, sample);
  return () => {
    if (outboxSamplers.get(schema) !== sample) return;
    outboxSamplers.delete(schema);
    outboxBacklog.remove({ schema });
    outboxOldestAge.remove({ schema });
  };
}

// both gauges collect at the same scrape, concurrently: they share one round of queries
function sampleOutboxes(): Promise<void> {
  sampling ??= sampleAll().finally(() => (sampling = undefined));
  return sampling;
}

async function sampleAll(): Promise<void> {
  await Promise.all(
    [...outboxSamplers].map(async ([schema, sample]) => {
      // a failed sample must not fail the whole scrape: its series go away until it answers again
      const found = await sample().catch(() => undefined);
      if (found) {
        outboxBacklog.set({ schema }, found.backlog);
        outboxOldestAge.set({ schema }, found.oldestAgeSeconds);
      } else {
        outboxBacklog.remove({ schema });
        outboxOldestAge.remove({ schema });
      }
    }),
  );
}

/** Events left on a partition once the message at `offset` is handled, given the batch's high-water mark (the next offset to be written). */
export function lagAfter(highWatermark: string, offset: string): number {
  return Math.max(0, Number(highWatermark) - Number(offset) - 1);
}
