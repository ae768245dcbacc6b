import { CloudEvent, Kafka } from 'cloudevents';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { RecordedEvent } from '@support/contracts';
import { toKafkaMessage, traceContextOf } from './cloud-event.codec';
import { activeTraceContext, failedInTrace, inConsumerSpan, startConsumerSpans, tracePublishing } from './trace-context';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT}-01`;
const TRACESTATE = 'congo=t61rcWkgMzE';

const recorded: RecordedEvent = {
  id: '6f1c1d1e-4b4a-4c1e-9d55-1f1d0c2b3a40',
  type: 'support.ticket.received.v1',
  data: { ticketId: 't-1' },
  occurredAt: new Date('2026-11-23T01:00:00.000Z'),
  metadata: { actor: { id: 'cs-desk', role: 'intake' }, causationId: null, correlationId: 'r-1' },
  streamId: 't-1',
  streamType: 'ticket',
  version: 1,
  globalPosition: '7',
  transactionId: '9',
  prevHash: '0'.repeat(64),
  hash: 'a'.repeat(64),
};

// headers as kafkajs hands them to a consumer
const onTheWire = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));

describe('the CloudEvents distributed-tracing extension in Kafka headers', () => {
  it('writes traceparent and tracestate as the cloudevents package writes the extension, and reads them back', () => {
    const { headers } = toKafkaMessage({ ...recorded, trace: { traceparent: TRACEPARENT, tracestate: TRACESTATE } }, 'intake', 'support.tickets.v1');
    const reference = Kafka.binary(
      new CloudEvent<unknown>({
        id: recorded.id,
        source: 'intake',
        type: recorded.type,
        subject: 't-1',
        time: recorded.occurredAt.toISOString(),
        datacontenttype: 'application/json',
        data: recorded.data,
        traceparent: TRACEPARENT,
        tracestate: TRACESTATE,
      }),
    );
    expect(headers.ce_traceparent).toBe(reference.headers.ce_traceparent);
    expect(headers.ce_tracestate).toBe(reference.headers.ce_tracestate);
    expect(traceContextOf(onTheWire(headers))).toEqual({ traceparent: TRACEPARENT, tracestate: TRACESTATE });
  });

  it('leaves the extension out of an event without a trace (tracing off), and tracestate out when there is none', () => {
    const untraced = toKafkaMessage(recorded, 'intake', 'support.tickets.v1').headers;
    expect(Object.keys(untraced).filter((name) => name.startsWith('ce_trace'))).toEqual([]);
    expect(traceContextOf(onTheWire(untraced))).toBeUndefined();
    const traced = toKafkaMessage({ ...recorded, trace: { traceparent: TRACEPARENT } }, 'intake', 'support.tickets.v1').headers;
    expect(traced).not.toHaveProperty('ce_tracestate');
    expect(traceContextOf(onTheWire(traced))).toEqual({ traceparent: TRACEPARENT });
  });

  it('finds no active trace where no span is (tracing off): nothing to carry', () => {
    expect(activeTraceContext()).toBeUndefined();
    const messages = [{ topic: 'support.tickets.v1', headers: toKafkaMessage(recorded, 'intake', 'support.tickets.v1').headers }];
    expect(tracePublishing(messages, {}).messages).toBe(messages);
  });

  describe('with a tracer provider', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const contextManager = new AsyncLocalStorageContextManager();

    beforeAll(() => {
      trace.setGlobalTracerProvider(provider);
      context.setGlobalContextManager(contextManager.enable());
    });
    afterAll(async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
    });
    beforeEach(() => exporter.reset());

    it('sends a traced message in a PRODUCER span, the child of its stored context, and names that span as the consumer’s parent', () => {
      const headers = toKafkaMessage({ ...recorded, trace: { traceparent: TRACEPARENT, tracestate: TRACESTATE } }, 'intake', 'support.tickets.v1').headers;
      const untraced = toKafkaMessage({ ...recorded, id: 'other' }, 'intake', 'support.tickets.v1').headers;
      const { messages, spans } = tracePublishing(
        [
          { topic: 'support.tickets.v1', headers },
          { topic: 'support.tickets.v1', headers: untraced },
        ],
        { 'messaging.client.id': 'intake-outbox-relay' },
      );
      spans.end();
      const [send] = exporter.getFinishedSpans();
      expect(exporter.getFinishedSpans()).toHaveLength(1);
      expect(send.kind).toBe(SpanKind.PRODUCER);
      expect(send.name).toBe('send support.tickets.v1');
      expect(send.spanContext().traceId).toBe(TRACE_ID);
      expect(send.parentSpanContext?.spanId).toBe(PARENT);
      expect(send.attributes['cloudevents.event_type']).toBe(recorded.type);
      expect(messages[0].headers.ce_traceparent).toBe(`00-${TRACE_ID}-${send.spanContext().spanId}-01`);
      expect(messages[0].headers.ce_tracestate).toBe(TRACESTATE);
      expect(messages[1].headers).toBe(untraced);
    });

    it('handles a traced message inside a CONSUMER span, the child of the send its headers name, where a reactor’s append finds it', async () => {
      const headers = onTheWire(toKafkaMessage({ ...recorded, trace: { traceparent: TRACEPARENT } }, 'intake', 'support.tickets.v1').headers);
      const seen = await inConsumerSpan(headers, 'support.tickets.v1', { 'messaging.consumer.group.name': 'routing.ticket-events' }, async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return activeTraceContext();
      });
      const [process] = exporter.getFinishedSpans();
      expect(process.kind).toBe(SpanKind.CONSUMER);
      expect(process.parentSpanContext?.spanId).toBe(PARENT);
      expect(seen).toEqual({ traceparent: `00-${TRACE_ID}-${process.spanContext().spanId}-01` });
    });

    it('marks a failed handling on its span and passes the failure on; an untraced message gets no span', async () => {
      const traced = onTheWire({ ce_traceparent: TRACEPARENT });
      await expect(inConsumerSpan(traced, 't', {}, () => Promise.reject(new Error('no such ticket')))).rejects.toThrow('no such ticket');
      await expect(inConsumerSpan(onTheWire({}), 't', {}, async () => activeTraceContext())).resolves.toBeUndefined();
      expect(exporter.getFinishedSpans().map((span) => span.status)).toEqual([{ code: 2, message: 'no such ticket' }]);
    });

    it('marks the span of an event the consumer parks as failed', async () => {
      await inConsumerSpan(onTheWire({ ce_traceparent: TRACEPARENT }), 't', {}, async () => failedInTrace(new Error('no such ticket type')));
      failedInTrace(new Error('outside any span: nothing'));
      expect(exporter.getFinishedSpans().map((span) => [span.status, span.events.map((event) => event.name)])).toEqual([
        [{ code: 2, message: 'no such ticket type' }, ['exception']],
      ]);
    });

    it('gives each traced message of a chunk a CONSUMER span of its own, ended with the chunk', () => {
      const other = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const spans = startConsumerSpans(
        [{ headers: onTheWire({ ce_traceparent: TRACEPARENT }) }, { headers: onTheWire({}) }, { headers: onTheWire({ ce_traceparent: other }) }],
        't',
        {},
      );
      expect(exporter.getFinishedSpans()).toEqual([]);
      spans.end();
      const finished = exporter.getFinishedSpans();
      expect(finished.map((span) => span.parentSpanContext?.spanId)).toEqual([PARENT, 'b7ad6b7169203331']);
      // each message's own span, as the trace context that what is decided because of it carries
      expect(spans.traces).toEqual([
        { traceparent: `00-${TRACE_ID}-${finished[0].spanContext().spanId}-01` },
        undefined,
        { traceparent: `00-0af7651916cd43dd8448eb211c80319c-${finished[1].spanContext().spanId}-01` },
      ]);
    });
  });
});
