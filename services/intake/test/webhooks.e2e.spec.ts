import { randomBytes } from 'node:crypto';
import { waitFor } from '@support/test-kit';
import { aTicket, jsonRequest, RunningIntake, startIntake } from './support/intake-harness';
import { ReceivedWebhook, WebhookReceiver } from './support/webhook-receiver';

// six attempts, a fifth of a second apart (give or take the jitter): an outage of four refusals is
// survived, a receiver that never answers 2xx disables its subscription within about a second
const RETRY = { delaysSeconds: [0.2, 0.2, 0.2, 0.2, 0.2], jitter: 0.2 };
const ATTEMPTS = RETRY.delaysSeconds.length + 1;

const TICKET_TYPES = [
  'support.ticket.received.v1',
  'support.ticket.assigned.v1',
  'support.ticket.contacted.v1',
  'support.ticket.diagnosed.v1',
  'support.ticket.quoted.v1',
  'support.ticket.quote-accepted.v1',
  'support.ticket.resolved.v1',
  'support.ticket.feedback-given.v1',
  'support.ticket.closed.v1',
  'support.ticket.reopened.v1',
];

describe('webhooks for partner systems: signed deliveries from the ticket topic to a real HTTP receiver', () => {
  let intake: RunningIntake;
  let receiver: WebhookReceiver;
  let lead: string;
  let partner: string;
  let agent: string;
  let desk: string;

  beforeAll(async () => {
    receiver = new WebhookReceiver();
    await receiver.start();
    intake = await startIntake({ webhooks: { retry: RETRY, timeoutMs: 2000, allowHttp: true, allowPrivateAddresses: true, pollIntervalMs: 50 } });
    lead = await intake.token({ role: 'lead', id: 'lead-1' });
    partner = await intake.token({ role: 'service', id: 'partner-erp' });
    agent = await intake.token({ role: 'agent', id: 'agent-1' });
    desk = await intake.token({ role: 'intake', id: 'cs-desk-1' });
  }, 60_000);

  afterAll(async () => {
    await intake?.stop();
    await receiver?.stop();
  });

  const call = (method: string, path: string, token: string, body?: unknown, headers?: Record<string, string>) => jsonRequest(`${intake.url}${path}`, token, method, body, headers);
  const subscribe = async (path: string, eventTypes: string[], token = partner) => {
    const response = await call('POST', '/v1/webhook-subscriptions', token, { url: receiver.url(path), eventTypes });
    expect(response.status).toBe(201);
    const created = await response.json();
    receiver.trust(path, created.secret);
    return created as { id: string; status: string; version: number; secret: string };
  };
  const openTicket = async () => {
    const response = await call('POST', '/v1/tickets', desk, aTicket({ urgency: 'normal' }));
    expect(response.status).toBe(201);
    return (await response.json()).id as string;
  };
  const ofTicket = (path: string, ticketId: string) => receiver.received.filter((r) => r.path === path && r.json?.data?.ticketId === ticketId);
  const deliveriesOf = async (subscriptionId: string) => (await (await call('GET', `/v1/webhook-subscriptions/${subscriptionId}/deliveries?limit=200`, lead)).json()).items;

  it('delivers ten changes of one ticket, signed and in order, through an outage of the receiver', async () => {
    const path = '/orders';
    const subscription = await subscribe(path, TICKET_TYPES);
    expect(subscription).toEqual({ id: expect.any(String), status: 'enabled', version: 1, secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/) });

    // the receiver is down for the ticket's first four requests: three 503s, then a dropped connection
    const outage: { ticketId?: string } = {};
    let refusals = 0;
    receiver.answerWith((request) => {
      if (request.path !== path || request.json?.data?.ticketId !== outage.ticketId || refusals >= 4) return 200;
      refusals += 1;
      return refusals === 4 ? 'close' : 503;
    });
    const target = await openTicket();
    outage.ticketId = target;
    const steps: Array<[string, string, unknown]> = [
      ['assignment', partner, { assignee: { id: 'agent-1', role: 'agent' }, tier: 'L1' }],
      ['contact', agent, { channel: 'phone' }],
      ['diagnosis', agent, { faultCategory: 'os', scenario: 'blue-screen', difficulty: 'common' }],
      ['quote', agent, { amount: 15000 }],
      ['quote/accept', agent, {}],
      ['resolution', agent, { resolution: 'reinstalled the storage driver', remote: true }],
      ['feedback', agent, { satisfaction: 5 }],
      ['close', agent, {}],
      ['reopen', agent, { reason: 'the blue screen came back' }],
    ];
    for (const [command, token, body] of steps) expect([command, (await call('POST', `/v1/tickets/${target}/${command}`, token, body)).status]).toEqual([command, 200]);

    const ticketId = target;
    const distinct = (received: ReceivedWebhook[]) => [...new Map(received.filter((r) => r.answered === 200).map((r) => [r.webhookId, r])).values()];
    const delivered = await waitFor(
      'ten deliveries of the ticket answered 200',
      async () => distinct(ofTicket(path, ticketId)).length >= 10 && distinct(ofTicket(path, ticketId)),
      {
        timeoutMs: 30_000,
        describe: async () => ofTicket(path, ticketId).map((r) => [r.json?.type, r.answered]),
      },
    );
    const history = await (await call('GET', `/v1/tickets/${ticketId}/history`, agent)).json();
    expect(history).toHaveLength(10);

    // in the ticket's order, each event once (a retry is the same webhook-id), nothing lost
    expect(delivered.map((r) => r.json.type)).toEqual(TICKET_TYPES);
    expect(delivered.map((r) => r.json.data.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(delivered.map((r) => r.webhookId)).toEqual(history.map((h: { eventId?: string; id?: string }) => h.eventId ?? h.id));
    // every request, refused or not, was signed with the subscription's secret and verified by the receiver
    const all = ofTicket(path, ticketId);
    expect(all.every((r) => r.verified)).toBe(true);
    // the outage: the first event was tried five times (four refused), and no later event went before it succeeded
    expect(all.slice(0, 5).map((r) => [r.json.data.version, r.answered])).toEqual([
      [1, 503],
      [1, 503],
      [1, 503],
      [1, 'closed'],
      [1, 200],
    ]);
    const firstSuccess = all.findIndex((r) => r.answered === 200);
    expect(all.slice(0, firstSuccess).every((r) => r.webhookId === all[0].webhookId)).toBe(true);
    const versions = all.map((r) => r.json.data.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));

    // the body: the event without personal data, as documented
    expect(delivered[0].json).toEqual({
      type: 'support.ticket.received.v1',
      timestamp: expect.any(String),
      data: {
        eventId: delivered[0].webhookId,
        ticketId,
        version: 1,
        actor: { id: 'cs-desk-1', role: 'intake' },
        causationId: null,
        correlationId: expect.any(String),
        event: expect.objectContaining({ ticketId, deviceModel: expect.any(String), customerId: expect.any(String) }),
      },
    });
    expect(delivered[0].json.data.event.customer ?? {}).toEqual({});

    // visible: the first delivery records its attempts and its last answer
    const first = (await deliveriesOf(subscription.id)).find((d: { eventId: string }) => d.eventId === delivered[0].webhookId);
    expect(first).toMatchObject({ status: 'delivered', attempts: 5, lastStatusCode: 200, lastError: null, ticketId, ticketVersion: 1, nextAttemptAt: null });
  }, 60_000);

  it('disables a subscription whose deliveries fail every attempt, and delivers again once enabled; a delivery replays with its webhook-id', async () => {
    const path = '/always-down';
    const subscription = await subscribe(path, ['support.ticket.received.v1'], lead);
    let up = false;
    receiver.answerWith((request) => (request.path === path && !up ? 500 : 200));
    const ticketId = await openTicket();

    const disabled = await waitFor(
      'the subscription disabled',
      async () => {
        const view = await (await call('GET', `/v1/webhook-subscriptions/${subscription.id}`, lead)).json();
        return view.status === 'disabled' && view;
      },
      { timeoutMs: 30_000 },
    );
    expect(disabled.disabledReason).toMatch(new RegExp(`failed ${ATTEMPTS} attempts, the last: answered 500`));
    const [failed] = (await deliveriesOf(subscription.id)).filter((d: { ticketId: string }) => d.ticketId === ticketId);
    expect(failed).toMatchObject({ status: 'failed', attempts: ATTEMPTS, lastStatusCode: 500, lastError: 'answered 500', nextAttemptAt: null });
    expect(ofTicket(path, ticketId).map((r) => r.answered)).toEqual(Array(ATTEMPTS).fill(500));

    // the decision is an event of the subscription's stream, by the deliverer, caused by the ticket event
    const stream = await intake.runtime.store.readStream(intake.runtime.dataSource, subscription.id);
    expect(stream.at(-1)).toMatchObject({
      type: 'support.webhook-subscription.disabled.v1',
      data: { subscriptionId: subscription.id, failedDeliveryId: failed.id },
      metadata: { actor: { id: 'intake-webhooks', role: 'service' }, causationId: failed.eventId },
    });
    // no secret in any event, nor in any read
    expect(JSON.stringify(stream)).not.toContain(subscription.secret.slice('whsec_'.length));
    expect(disabled).not.toHaveProperty('secret');

    up = true;
    const enabled = await call('POST', `/v1/webhook-subscriptions/${subscription.id}/enable`, lead, {}, { 'If-Match': `"${stream.length}"` });
    expect(enabled.status).toBe(200);
    expect(enabled.headers.get('etag')).toBe(`"${stream.length + 1}"`);
    await waitFor('the failed delivery delivered after enabling', async () => ofTicket(path, ticketId).some((r) => r.answered === 200));

    const replay = await call('POST', `/v1/webhook-subscriptions/${subscription.id}/deliveries/${failed.id}/replay`, lead, {});
    expect(replay.status).toBe(200);
    await waitFor('the replayed delivery', async () => ofTicket(path, ticketId).filter((r) => r.answered === 200).length === 2);
    expect(new Set(ofTicket(path, ticketId).map((r) => r.webhookId))).toEqual(new Set([failed.eventId]));
    expect(await (await call('GET', `/v1/webhook-subscriptions/${subscription.id}/deliveries/${failed.id}`, lead)).json()).toMatchObject({ status: 'delivered', attempts: 1 });
    const events = (await intake.runtime.store.readStream(intake.runtime.dataSource, subscription.id)).map((e) => e.type);
    expect(events.slice(-2)).toEqual(['support.webhook-subscription.enabled.v1', 'support.webhook-subscription.delivery-replayed.v1']);
  }, 60_000);

  it('rotates and deletes: the secret is answered once, never read back, and gone with the subscription', async () => {
    const own = `whsec_${randomBytes(32).toString('base64')}`;
    const key = `key-${Date.now()}`;
    const body = { url: receiver.url('/own'), eventTypes: ['support.ticket.closed.v1'], secret: own };
    const created = await call('POST', '/v1/webhook-subscriptions', partner, body, { 'Idempotency-Key': key });
    expect(created.status).toBe(201);
    const first = await created.json();
    // a secret of one's own is not answered back
    expect(first).toEqual({ id: expect.any(String), status: 'enabled', version: 1 });
    const again = await call('POST', '/v1/webhook-subscriptions', partner, body, { 'Idempotency-Key': key });
    expect([again.status, again.headers.get('idempotent-replayed'), await again.json()]).toEqual([201, 'true', first]);

    const rotation = { 'Idempotency-Key': `${key}-rotation` };
    const rotated = await (await call('POST', `/v1/webhook-subscriptions/${first.id}/secret`, partner, {}, rotation)).json();
    expect(rotated).toEqual({ id: first.id, status: 'enabled', version: 2, secret: expect.stringMatching(/^whsec_/) });
    // a retry with the key rotates nothing again and answers without the secret, which no stored answer keeps
    const retried = await call('POST', `/v1/webhook-subscriptions/${first.id}/secret`, partner, {}, rotation);
    expect([retried.status, retried.headers.get('idempotent-replayed'), await retried.json()]).toEqual([200, 'true', { id: first.id, status: 'enabled', version: 2 }]);
    const answers = JSON.stringify(await intake.runtime.dataSource.query(`SELECT body FROM "${intake.schema}".idempotency_keys`));
    for (const secret of [own, rotated.secret]) expect(answers).not.toContain(secret.slice('whsec_'.length));
    const secrets = () => intake.runtime.dataSource.query(`SELECT wrapped_secret FROM "${intake.schema}".webhook_secrets WHERE subscription_id = $1`, [first.id]);
    const [row] = await secrets();
    // kept wrapped: neither the given nor the generated secret is in the table
    expect(row.wrapped_secret.includes(Buffer.from(rotated.secret.slice(6), 'base64'))).toBe(false);

    const read = await call('GET', `/v1/webhook-subscriptions/${first.id}`, partner);
    expect(read.headers.get('etag')).toBe('"2"');
    expect(Object.keys(await read.json()).sort()).toEqual(['createdAt', 'eventTypes', 'id', 'status', 'updatedAt', 'url', 'version']);
    expect((await call('DELETE', `/v1/webhook-subscriptions/${first.id}`, partner, undefined, { 'If-Match': '"1"' })).status).toBe(412);
    const deleted = await call('DELETE', `/v1/webhook-subscriptions/${first.id}`, partner, undefined, { 'If-Match': '"2"' });
    expect([deleted.status, await deleted.json()]).toEqual([200, { id: first.id, status: 'deleted', version: 3 }]);
    expect(await secrets()).toEqual([]);
    expect((await call('POST', `/v1/webhook-subscriptions/${first.id}/enable`, partner, {})).status).toBe(409);
  });

  it('answers 400 naming the field for bad input, 403 to roles other than lead and service', async () => {
    const bad = async (body: unknown) => {
      const response = await call('POST', '/v1/webhook-subscriptions', lead, body);
      return [response.status, (await response.json()).message];
    };
    const url = receiver.url('/x');
    const answers = [
      await bad({ url, eventTypes: ['support.ticket.teleported.v1'] }),
      await bad({ url, eventTypes: [] }),
      await bad({ url: 'http://user:pw@127.0.0.1:9/x', eventTypes: TICKET_TYPES }),
      await bad({ url: 'not a url', eventTypes: TICKET_TYPES }),
      await bad({ url: `https://partner.example.com/${'a'.repeat(2050)}`, eventTypes: TICKET_TYPES }),
      await bad({ url, eventTypes: TICKET_TYPES, secret: 'whsec_c2hvcnQ=' }),
    ];
    expect(answers).toEqual([
      [400, ['eventTypes: each value must be a ticket event type of the catalogue (support.ticket.*.v1, see /docs and docs/events/asyncapi.yaml)']],
      [400, ['eventTypes should not be empty']],
      [400, ['url must not carry a user name or password: the secret signs each delivery']],
      [400, ['url must be an absolute http or https URL']],
      [400, ['url must be shorter than or equal to 2048 characters']],
      [400, ['secret must be whsec_ followed by the base64 of 24-64 random bytes']],
    ]);
    // nothing was created by any of them
    expect(await intake.runtime.dataSource.query(`SELECT 1 FROM "${intake.schema}".webhook_subscriptions WHERE url = $1`, [url])).toEqual([]);
    const list = await call('GET', '/v1/webhook-subscriptions?limit=0', lead);
    expect([list.status, (await list.json()).message]).toEqual([400, ['limit must be an integer from 1 to 200']]);
    for (const role of ['agent', 'senior', 'analyst', 'contractor', 'intake'] as const) {
      expect([role, (await call('GET', '/v1/webhook-subscriptions', await intake.token({ role }))).status]).toEqual([role, 403]);
    }
  });
});
