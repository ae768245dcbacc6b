import { Actor } from '@support/contracts';
import { ManualClock, serviceDatabase, serviceKafka, dropTestSchema, uniqueSchemaName, waitFor } from '@support/test-kit';
import { IntakeRuntime, startIntakeRuntime } from '../src/intake.providers';
import { OpenTicketInput } from '../src/application/ticket-commands.service';
import { WebhookSubscriptions } from '../src/webhooks';
import { aTicket } from './support/intake-harness';
import { WebhookReceiver } from './support/webhook-receiver';

// the dispatcher never runs by itself here: the test runs it, and moves the clock instead of sleeping
const RETRY = { delaysSeconds: [30, 60], jitter: 0.2 };

describe('webhook deliverer on PostgreSQL and Kafka', () => {
  // from now: the receiver checks the signed timestamp against its own clock (5 minutes' tolerance)
  const clock = new ManualClock(new Date());
  const desk: Actor = { id: 'cs-desk-1', role: 'intake' };
  const lead: Actor = { id: 'lead-1', role: 'lead' };
  let runtime: IntakeRuntime;
  let schema: string;
  let receiver: WebhookReceiver;
  let down: string | undefined;

  beforeAll(async () => {
    receiver = new WebhookReceiver((request) => (request.json?.data?.ticketId === down ? 503 : 200));
    await receiver.start();
    schema = uniqueSchemaName('intake');
    runtime = await startIntakeRuntime(
      {
        ...serviceDatabase('intake'),
        ...serviceKafka('intake'),
        schema,
        consumeFromBeginning: false,
        clock,
        webhooks: { retry: RETRY, timeoutMs: 2000, allowHttp: true, allowPrivateAddresses: true, pollIntervalMs: null },
      },
      () => undefined,
    );
  }, 60_000);

  afterAll(async () => {
    await runtime?.close();
    await receiver?.stop();
    if (schema) await dropTestSchema(schema);
  });

  const open = async () => {
    const opened = await runtime.commands.open(aTicket() as unknown as OpenTicketInput, { actor: desk });
    if (!('status' in opened)) throw new Error(`not opened: ${JSON.stringify(opened)}`);
    return opened.body.id;
  };
  const queued = async (subscriptionId: string) =>
    (await runtime.dataSource.query(
      `SELECT ticket_id, ticket_version, status, attempts, next_attempt_at FROM "${schema}".webhook_deliveries WHERE subscription_id = $1 ORDER BY seq`,
      [subscriptionId],
    )) as Array<{ ticket_id: string; ticket_version: number; status: string; attempts: number; next_attempt_at: Date }>;

  it("holds a ticket's later events behind its failing one, retries when the clock says so, and lets other tickets through", async () => {
    const subscriptions = runtime.context.get(WebhookSubscriptions);
    const created = await subscriptions.create({ url: receiver.url('/hooks'), eventTypes: ['support.ticket.received.v1', 'support.ticket.assigned.v1'] }, { actor: lead });
    if (!('status' in created)) throw new Error(JSON.stringify(created));
    const { id: subscriptionId, secret } = created.body;
    receiver.trust('/hooks', secret!);

    const failing = await open();
    down = failing;
    const assigned = await runtime.commands.execute(
      failing,
      (at) => ({ type: 'Assign', ticketId: failing, assignee: { id: 'agent-1', role: 'agent' }, tier: 'L1', actor: { id: 'routing', role: 'service' }, at }),
      {
        actor: { id: 'routing', role: 'service' },
      },
    );
    expect(assigned.ok).toBe(true);
    const other = await open();
    // fed from the topic: three deliveries queued once the consumer has read the three events
    await waitFor('three deliveries queued', async () => (await queued(subscriptionId)).length === 3, { timeoutMs: 30_000 });

    const first = await runtime.webhooks.runDue();
    expect(first).toEqual({ attempted: 2, delivered: 1 });
    // sent together: in no defined order between the two tickets
    const sent = receiver.received.map((r) => [r.json.data.ticketId, r.json.data.version, r.answered, r.verified]);
    expect(sent).toHaveLength(2);
    expect(sent).toEqual(
      expect.arrayContaining([
        [failing, 1, 503, true],
        [other, 1, 200, true],
      ]),
    );
    const waiting = (await queued(subscriptionId)).find((d) => d.ticket_id === failing && d.ticket_version === 1)!;
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1 });
    // 30 s give or take a fifth
    const wait = (waiting.next_attempt_at.getTime() - clock.now().getTime()) / 1000;
    expect(wait).toBeGreaterThanOrEqual(24);
    expect(wait).toBeLessThanOrEqual(36);

    // not due yet: nothing goes, however often the dispatcher runs
    expect(await runtime.webhooks.runDue()).toEqual({ attempted: 0, delivered: 0 });
    clock.set(new Date(waiting.next_attempt_at.getTime() + 1));
    down = undefined;
    expect(await runtime.webhooks.runDue()).toEqual({ attempted: 1, delivered: 1 });
    // only now the ticket's next event
    expect(await runtime.webhooks.runDue()).toEqual({ attempted: 1, delivered: 1 });
    const ofFailing = receiver.received.filter((r) => r.json.data.ticketId === failing).map((r) => [r.json.data.version, r.answered]);
    expect(ofFailing).toEqual([
      [1, 503],
      [1, 200],
      [2, 200],
    ]);
    expect((await queued(subscriptionId)).map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
  }, 60_000);
});
