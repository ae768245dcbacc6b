import { randomBytes } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { startTracing, Tracing } from '@support/service-kit/tracing';
import { jsonRequest, RunningSystem, startSystem, waitFor } from './support/system-harness';

// One ticket's path, POST → intake → relay → routing → intake → dashboard, as one trace: the services in
// this process, traced through the kit's own setup with an in-memory exporter instead of OTLP, the request
// sent with a traceparent whose trace id the test chose.

const RECEIVED = 'support.ticket.received.v1';
const ASSIGNED = 'support.ticket.assigned.v1';

describe('one trace from a POST to the dashboard', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let system: RunningSystem;

  beforeAll(async () => {
    tracing = startTracing('support-ops', { spanProcessors: [new SimpleSpanProcessor({ exporter })] })!;
    system = await startSystem({ dashboard: true });
  }, 90_000);

  afterAll(async () => {
    await system?.stop();
    await tracing?.shutdown();
  }, 60_000);

  it('carries the caller’s trace from intake’s HTTP span through every relay send and every consumer, each span the child of the one before', async () => {
    const lead = await system.token({ role: 'lead', id: 'm-lead-trace' });
    const member = await jsonRequest(`${system.routing.url}/v1/members`, lead, 'POST', {
      memberId: `m-agent-${randomBytes(4).toString('hex')}`,
      role: 'agent',
      name: '李工',
      tier: 'L1',
      capacity: 5,
      skills: [],
      scenarios: [],
      onDuty: true,
    });
    expect(member.status).toBe(201);

    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const desk = await system.token({ role: 'intake', id: 'cs-desk' });
    const opened = await jsonRequest(
      `${system.intake.url}/v1/tickets`,
      desk,
      'POST',
      { channel: 'wechat', customer: { name: '王女士', wechat: `trace_${traceId.slice(0, 8)}` }, deviceModel: 'Dell XPS 15 9520', problem: '开机蓝屏', urgency: 'normal' },
      { traceparent: `00-${traceId}-${callerSpanId}-01` },
    );
    expect(opened.status).toBe(201);
    const ticketId: string = (await opened.json()).id;

    const spans = () => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const relayOf = (schema: string) => (span: ReadableSpan) => span.kind === SpanKind.PRODUCER && span.attributes['messaging.client.id'] === `${schema}-outbox-relay`;
    const consumerIn = (schema: string) => (span: ReadableSpan) =>
      span.kind === SpanKind.CONSUMER && String(span.attributes['messaging.consumer.group.name']).startsWith(`${schema}.`);
    const about = (type: string) => (span: ReadableSpan) => span.attributes['cloudevents.event_type'] === type && span.attributes['cloudevents.event_subject'] === ticketId;
    const childOf = (parent: ReadableSpan) => (span: ReadableSpan) => span.parentSpanContext?.spanId === parent.spanContext().spanId;
    const find = (...tests: Array<(span: ReadableSpan) => boolean>) => spans().find((span) => tests.every((test) => test(span)));
    const describe = async () => spans().map((span) => ({ name: span.name, kind: span.kind, attributes: span.attributes, parent: span.parentSpanContext?.spanId }));

    // the dashboard has projected the assignment once its consumer span of the ticket's assigned event has ended
    await waitFor('the dashboard to consume the ticket’s assignment', async () => find(consumerIn(system.dashboard!.schema), about(ASSIGNED)), { timeoutMs: 30_000, describe });

    // intake's HTTP span continues the caller's, named by its route
    const request = find(
      (span) => span.kind === SpanKind.SERVER,
      (span) => span.attributes['http.route'] === '/v1/tickets',
    );
    expect(request).toBeDefined();
    expect(request!.name).toBe('POST /v1/tickets');
    expect(request!.parentSpanContext?.spanId).toBe(callerSpanId);

    // intake's relay sends the received event as a child of the request (the trace stored with its outbox row)
    const sendReceived = find(relayOf(system.intake.schema), about(RECEIVED), childOf(request!));
    expect(sendReceived).toBeDefined();
    // routing consumes it in a child of that send, and its relay sends its decision in a child of that
    const routingConsumes = find(consumerIn(system.routing.schema), about(RECEIVED), childOf(sendReceived!));
    expect(routingConsumes).toBeDefined();
    const sendDecision = find(relayOf(system.routing.schema), childOf(routingConsumes!));
    expect(sendDecision).toBeDefined();
    // intake's reactor consumes the decision and appends the ticket's assignment, which its relay sends on
    const intakeConsumes = find(consumerIn(system.intake.schema), childOf(sendDecision!));
    expect(intakeConsumes).toBeDefined();
    const sendAssigned = find(relayOf(system.intake.schema), about(ASSIGNED), childOf(intakeConsumes!));
    expect(sendAssigned).toBeDefined();
    // and the dashboard projects it in a child of that send
    expect(find(consumerIn(system.dashboard!.schema), about(ASSIGNED), childOf(sendAssigned!))).toBeDefined();

    // no orphan: every span of the trace has its parent among them, but the caller's own
    await waitFor(
      'every span of the trace to have its parent exported',
      async () => {
        const ids = new Set(spans().map((span) => span.spanContext().spanId));
        return spans().every((span) => span.parentSpanContext?.spanId === callerSpanId || ids.has(span.parentSpanContext?.spanId ?? ''));
      },
      { describe },
    );
    const roots = spans().filter((span) => span.parentSpanContext?.spanId === callerSpanId);
    expect(roots).toEqual([request]);

    // and the ticket is assigned as the trace says
    const ticket = await (await jsonRequest(`${system.intake.url}/v1/tickets/${ticketId}`, desk, 'GET')).json();
    expect(ticket.state).toBe('assigned');
  }, 60_000);

  it('keeps each request’s trace on its own events when intake writes concurrent openings in one transaction (group commit)', async () => {
    const desk = await system.token({ role: 'intake', id: 'cs-desk' });
    const callers = Array.from({ length: 8 }, () => ({ traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') }));
    const tickets = await Promise.all(
      callers.map(async ({ traceId, spanId }, i) => {
        const response = await jsonRequest(
          `${system.intake.url}/v1/tickets`,
          desk,
          'POST',
          { channel: 'web', customer: { name: `并发${i}`, wechat: `group_${traceId.slice(0, 10)}` }, deviceModel: 'ThinkPad X1', problem: '无法开机', urgency: 'normal' },
          { traceparent: `00-${traceId}-${spanId}-01` },
        );
        expect(response.status).toBe(201);
        return (await response.json()).id as string;
      }),
    );
    const sendOf = (ticketId: string) =>
      exporter
        .getFinishedSpans()
        .find((span) => span.kind === SpanKind.PRODUCER && span.attributes['cloudevents.event_type'] === RECEIVED && span.attributes['cloudevents.event_subject'] === ticketId);
    await waitFor('intake’s relay to send every opening', async () => tickets.every((ticketId) => sendOf(ticketId)));
    for (const [i, ticketId] of tickets.entries()) {
      const request = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.SERVER && span.parentSpanContext?.spanId === callers[i].spanId);
      expect(request?.spanContext().traceId).toBe(callers[i].traceId);
      expect(sendOf(ticketId)!.parentSpanContext?.spanId).toBe(request!.spanContext().spanId);
      expect(sendOf(ticketId)!.spanContext().traceId).toBe(callers[i].traceId);
    }
  }, 60_000);
});
