import { Client } from 'pg';
import { chainAnchored } from '@support/contracts';
import { MetricSample, ownerDatabaseUrl, parseMetrics, publishEvents, samplesOf, sumOf, waitFor } from '@support/test-kit';
import { aTicket, jsonRequest, RunningIntake, startIntake } from './support/intake-harness';

// intake's eventing metrics at GET /metrics, moved by real traffic: tickets opened over HTTP go through the outbox
// to Kafka, their chain anchors come back to intake's audit-anchors group, and a broken routing decision is parked.
// The topics are shared with whatever else runs on the broker: counts are compared, never expected exactly.

const ASSIGNMENT_DECIDED = 'support.routing.assignment-decided.v1';

describe('eventing metrics of intake at GET /metrics (PostgreSQL + Kafka)', () => {
  let intake: RunningIntake;
  let desk: string;
  let anchorsGroup: string;
  let routingGroup: string;

  beforeAll(async () => {
    intake = await startIntake();
    desk = await intake.token({ role: 'intake', id: 'cs-desk-1' });
    anchorsGroup = `${intake.schema}.audit-anchors`;
    routingGroup = `${intake.schema}.routing-decisions`;
  }, 60_000);

  afterAll(async () => {
    await intake?.stop();
  });

  const scrape = async (): Promise<MetricSample[]> => {
    const response = await fetch(`${intake.url}/metrics`);
    expect(response.status).toBe(200);
    return parseMetrics(await response.text());
  };
  const openTickets = async (count: number) => {
    for (let i = 0; i < count; i++) expect((await jsonRequest(`${intake.url}/v1/tickets`, desk, 'POST', aTicket())).status).toBe(201);
  };
  const outbox = (samples: MetricSample[]) => ({
    backlog: samplesOf(samples, 'support_outbox_backlog', { schema: intake.schema })[0]?.value,
    oldestAgeSeconds: samplesOf(samples, 'support_outbox_oldest_age_seconds', { schema: intake.schema })[0]?.value,
  });

  it('shows the outbox backlog and its oldest row while no relay leads, and both back at 0 once one publishes', async () => {
    // another session holds the relay's lock: intake's relay waits as a stand-by, its outbox fills
    const relay = intake.runtime.relay;
    await relay.stop();
    const holder = new Client({ connectionString: ownerDatabaseUrl() });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`${intake.schema}:outbox-relay`]);
      await relay.start();
      await openTickets(3);

      const waiting = outbox(await scrape());
      // each ticket is at least one event; chain anchors are written by the relay, not the outbox
      expect(waiting.backlog).toBeGreaterThanOrEqual(3);
      expect(waiting.oldestAgeSeconds).toBeGreaterThan(0);
      expect(relay.isLeader).toBe(false);

      await holder.query('SELECT pg_advisory_unlock_all()');
      const drained = await waitFor('the outbox published', async () => {
        const now = outbox(await scrape());
        return now.backlog === 0 && now;
      });
      expect(drained).toEqual({ backlog: 0, oldestAgeSeconds: 0 });
      const publishes = sumOf(await scrape(), 'support_relay_publish_duration_seconds_count', { schema: intake.schema });
      expect(publishes).toBeGreaterThanOrEqual(1);
    } finally {
      await holder.end();
    }
  });

  it('counts the chain anchors its audit-anchors group handles, and its lag comes back to 0', async () => {
    const handledAnchors = (samples: MetricSample[]) => sumOf(samples, 'support_events_handled_total', { group: anchorsGroup, type: chainAnchored.type });
    const before = handledAnchors(await scrape());
    await openTickets(2);

    // the relay anchors every batch it publishes; the group handles those anchors
    await waitFor('anchors handled', async () => handledAnchors(await scrape()) > before);
    const caughtUp = await waitFor(
      'the audit-anchors group caught up',
      async () => {
        const lag = samplesOf(await scrape(), 'support_consumer_lag', { group: anchorsGroup });
        return lag.length > 0 && lag.every((partition) => partition.value === 0) && lag;
      },
      { describe: async () => samplesOf(await scrape(), 'support_consumer_lag', { group: anchorsGroup }) },
    );
    expect(caughtUp[0].labels).toEqual({ group: anchorsGroup, topic: chainAnchored.topic, partition: expect.stringMatching(/^\d+$/) });
  });

  it('counts an event that can never be handled as failed and parked on the dead-letter topic', async () => {
    const counts = (samples: MetricSample[]) => ({
      parked: sumOf(samples, 'support_dead_letters_total', { group: routingGroup }),
      failed: sumOf(samples, 'support_events_failed_total', { group: routingGroup, type: ASSIGNMENT_DECIDED }),
    });
    const before = counts(await scrape());

    // a decision that does not match its schema: poison, parked at once without retries
    await publishEvents([{ type: ASSIGNMENT_DECIDED, data: { ticketId: 'not-a-ticket' }, streamId: 'not-a-ticket', source: 'routing' }]);

    const after = await waitFor('the broken decision parked', async () => {
      const now = counts(await scrape());
      return now.parked > before.parked && now;
    });
    expect(after.failed).toBeGreaterThan(before.failed);
    expect(intake.runtime.reactors.find((consumer) => consumer.groupId === routingGroup)!.stats.parked).toBeGreaterThanOrEqual(1);
  });
});
