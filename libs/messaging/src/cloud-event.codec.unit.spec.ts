import { CloudEvent, Kafka } from 'cloudevents';
import { RecordedEvent } from '@support/contracts';
import { fromKafkaMessage, toKafkaMessage } from './cloud-event.codec';

const recorded: RecordedEvent = {
  id: '6f1c1d1e-4b4a-4c1e-9d55-1f1d0c2b3a40',
  type: 'support.ticket.contacted.v1',
  data: { ticketId: 't-1', channel: 'phone', contactedAt: '2026-11-23T01:00:00.000Z' },
  occurredAt: new Date('2026-11-23T01:00:00.000Z'),
  metadata: { actor: { id: 'm-agent', role: 'agent' }, causationId: 'c-1', correlationId: 'r-1' },
  streamId: 't-1',
  streamType: 'ticket',
  version: 3,
  globalPosition: '7',
  transactionId: '9',
  prevHash: '0'.repeat(64),
  hash: 'a'.repeat(64),
};
const where = { topic: 'support.tickets.v1', partition: 2, offset: '41' };

// the message as kafkajs hands it to a consumer: buffers for key, value and headers
function onTheWire(headers: Record<string, string>, value: unknown = recorded.data) {
  return { key: Buffer.from('t-1'), value: Buffer.from(JSON.stringify(value)), headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])) };
}

describe('CloudEvents in Kafka binary mode', () => {
  const { headers } = toKafkaMessage(recorded, 'intake', 'support.tickets.v1');

  it('writes what the cloudevents package writes for the same event, which its own reader takes back as a valid event', () => {
    for (const metadata of [recorded.metadata, { actor: recorded.metadata.actor, causationId: null, correlationId: null }]) {
      const event = { ...recorded, metadata };
      const ours = toKafkaMessage(event, 'intake', 'support.tickets.v1');
      const reference = Kafka.binary(
        new CloudEvent<unknown>({
          id: event.id,
          source: 'intake',
          type: event.type,
          subject: event.streamId,
          time: event.occurredAt.toISOString(),
          datacontenttype: 'application/json',
          data: event.data,
          streamversion: '3',
          ...(metadata.causationId ? { causationid: metadata.causationId, correlationid: metadata.correlationId } : {}),
          actorid: metadata.actor.id,
          actorrole: metadata.actor.role,
          audithash: event.hash,
        }),
      );
      const defined = Object.fromEntries(Object.entries(reference.headers).filter(([, value]) => value !== undefined && value !== null));
      expect(ours.headers).toEqual(defined);
      const readBack = Kafka.toEvent({ key: ours.key, value: JSON.stringify(ours.value), headers: ours.headers, body: undefined, timestamp: '' } as never) as CloudEvent<unknown>;
      expect(readBack.validate()).toBe(true);
      expect(readBack.data).toEqual(event.data);
    }
  });

  it('reads back what was written: envelope, extensions and data', () => {
    expect(fromKafkaMessage(onTheWire(headers), where)).toEqual({
      id: recorded.id,
      type: recorded.type,
      source: 'intake',
      subject: 't-1',
      time: '2026-11-23T01:00:00.000Z',
      data: recorded.data,
      streamVersion: 3,
      causationId: 'c-1',
      correlationId: 'r-1',
      actor: { id: 'm-agent', role: 'agent' },
      auditHash: 'a'.repeat(64),
      ...where,
    });
  });

  it('refuses a message without the required attributes, another spec version, or data that is not JSON', () => {
    const without = (name: string) => Object.fromEntries(Object.entries(headers).filter(([k]) => k !== name));
    expect(() => fromKafkaMessage(onTheWire(without('ce_id')), where)).toThrow('ce_id header is missing');
    expect(() => fromKafkaMessage(onTheWire(without('ce_type')), where)).toThrow('ce_type header is missing');
    expect(() => fromKafkaMessage(onTheWire({ ...headers, ce_specversion: '0.3' }), where)).toThrow('ce_specversion 0.3 is not 1.0');
    expect(() => fromKafkaMessage(onTheWire({ ...headers, 'content-type': 'text/plain' }), where)).toThrow('content-type text/plain is not JSON');
    expect(() => fromKafkaMessage({ ...onTheWire(headers), value: Buffer.from('{not json') }, where)).toThrow(SyntaxError);
    expect(() => fromKafkaMessage({ key: null, value: Buffer.from('garbage'), headers: {} }, where)).toThrow('ce_specversion header is missing');
  });
});
