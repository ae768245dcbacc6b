import { KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import { ConsumerGroupMetrics, UNKNOWN_TYPE } from './consumer-metrics';
import { consumerLag, EVENTING_METRICS, eventsFailed, eventsHandled, lagAfter, outboxBacklog, outboxOldestAge, watchOutbox } from './eventing-metrics';

const registry = new Registry();
for (const metric of EVENTING_METRICS) registry.registerMetric(metric);

async function valuesOf(metric: { get(): Promise<{ values: Array<{ labels: object; value: number }> }> }) {
  return (await metric.get()).values.map(({ labels, value }) => ({ labels, value }));
}

beforeEach(() => registry.resetMetrics());

describe('lagAfter', () => {
  it('is what lies between the handled offset and the high-water mark, never below 0', () => {
    expect(lagAfter('10', '9')).toBe(0);
    expect(lagAfter('10', '4')).toBe(5);
    // a batch fetched before the partition's end moved is never "ahead"
    expect(lagAfter('3', '7')).toBe(0);
  });
});

describe('ConsumerGroupMetrics', () => {
  const known = new Set(['support.ticket.received.v1']);
  const metrics = () => new ConsumerGroupMetrics('intake.reactors', (type) => known.has(type));
  const message = (type?: string) => ({ headers: type === undefined ? {} : { ce_type: Buffer.from(type) } }) as unknown as KafkaMessage;

  it('counts handled and failed events by group and catalogued type; any other type is "unknown"', async () => {
    const group = metrics();
    group.handled(['support.ticket.received.v1', 'support.ticket.received.v1', 'made.up.v9']);
    group.failed(group.typeLabelOf(message('support.ticket.received.v1')));
    group.failed(group.typeLabelOf(message()));
    expect(await valuesOf(eventsHandled)).toEqual([
      { labels: { group: 'intake.reactors', type: 'support.ticket.received.v1' }, value: 2 },
      { labels: { group: 'intake.reactors', type: UNKNOWN_TYPE }, value: 1 },
    ]);
    expect(await valuesOf(eventsFailed)).toEqual([
      { labels: { group: 'intake.reactors', type: 'support.ticket.received.v1' }, value: 1 },
      { labels: { group: 'intake.reactors', type: UNKNOWN_TYPE }, value: 1 },
    ]);
  });

  it('keeps the lag of the partitions it holds, and drops the others after a rebalance and on stop', async () => {
    const group = metrics();
    group.lag('support.tickets.v1', 0, 4);
    group.lag('support.tickets.v1', 1, 0);
    group.lag('support.routing.v1', 2, 7);
    group.lag('support.tickets.v1', 0, 1);
    group.keepOnly({ 'support.tickets.v1': [0], 'support.routing.v1': [0, 1] });
    expect(await valuesOf(consumerLag)).toEqual([{ labels: { group: 'intake.reactors', topic: 'support.tickets.v1', partition: '0' }, value: 1 }]);
    group.forgetLag();
    expect(await valuesOf(consumerLag)).toEqual([]);
  });
});

describe('outbox gauges', () => {
  it('ask each watched outbox once per scrape, for both gauges', async () => {
    let asked = 0;
    const stop = watchOutbox('intake', async () => ({ backlog: 3 + asked++, oldestAgeSeconds: 1.5 }));
    try {
      const text = await registry.metrics();
      expect(asked).toBe(1);
      expect(text).toContain('support_outbox_backlog{schema="intake"} 3');
      expect(text).toContain('support_outbox_oldest_age_seconds{schema="intake"} 1.5');
      // every scrape samples afresh
      expect(await registry.metrics()).toContain('support_outbox_backlog{schema="intake"} 4');
      expect(asked).toBe(2);
    } finally {
      stop();
    }
    expect(await valuesOf(outboxBacklog)).toEqual([]);
  });

  it('leave an outbox out of the scrape while its sample fails, and the scrape still answers', async () => {
    let failing = false;
    const stop = watchOutbox('routing', async () => {
      if (failing) throw new Error('database away');
      return { backlog: 0, oldestAgeSeconds: 0 };
    });
    try {
      expect(await valuesOf(outboxOldestAge)).toEqual([{ labels: { schema: 'routing' }, value: 0 }]);
      failing = true;
      expect(await registry.metrics()).toContain('# TYPE support_outbox_backlog gauge');
      expect(await valuesOf(outboxOldestAge)).toEqual([]);
    } finally {
      stop();
    }
  });
});
