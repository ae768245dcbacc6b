import { TICKETS_TOPIC } from '@support/contracts';
import { Client } from 'pg';
import { testInfra, waitFor } from '@support/test-kit';
import { aTicket, jsonRequest, startIntake } from './support/intake-harness';
import { TopicReader } from './support/topic-reader';

// SIGTERM runs app.close() (enableShutdownHooks): HTTP drains, then the consumers and the relay stop
describe('intake shutting down under load', () => {
  it('answers what it accepted, never half-writes, and publishes every accepted ticket before it exits', async () => {
    const reader = new TopicReader(TICKETS_TOPIC);
    await reader.start();
    const intake = await startIntake();
    try {
      const desks = await Promise.all(Array.from({ length: 4 }, (_, i) => intake.token({ role: 'intake', id: `desk-${i}` })));
      const requests = Array.from({ length: 60 }, (_, i) =>
        jsonRequest(`${intake.url}/v1/tickets`, desks[i % desks.length], 'POST', aTicket()).then(
          async (response) => ({ status: response.status, id: (await response.json()).id as string | undefined }),
          (error: Error) => ({ status: 0, id: undefined, error: error.message }),
        ),
      );
      await Promise.race(requests);
      await intake.app.close();
      const answers = await Promise.all(requests);

      // accepted, or never got in (connection closed or refused): no 5xx, nothing in between
      expect(answers.every((a) => a.status === 201 || a.status === 0)).toBe(true);
      const accepted = answers.filter((a) => a.status === 201).map((a) => a.id!);
      expect(accepted.length).toBeGreaterThan(0);
      // the service's pool is closed with it: look at its event store from outside
      const db = new Client({ connectionString: testInfra().databaseUrl });
      await db.connect();
      const stored = await db.query(`SELECT stream_id FROM "${intake.schema}".events WHERE type = 'support.ticket.received.v1'`).finally(() => db.end());
      expect(stored.rows.map((r: { stream_id: string }) => r.stream_id).sort()).toEqual([...accepted].sort());
      // the relay drained before the process would exit: every accepted ticket is on Kafka, nothing else
      await waitFor('every accepted ticket on Kafka', async () => accepted.every((id) => reader.messages.some((m) => m.key === id)), { timeoutMs: 15_000 });
      const published = reader.messages.filter((m) => m.headers.ce_type === 'support.ticket.received.v1' && m.headers.ce_source === 'intake').map((m) => m.key);
      expect(published.filter((id) => accepted.includes(id)).sort()).toEqual([...accepted].sort());
    } finally {
      await reader.stop();
      await intake.stop().catch(() => undefined);
    }
  });
});
