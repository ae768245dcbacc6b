// sla-monitor's what-if: recorded input events (tickets, visits, sheets) for a test or a benchmark, published as
// their owners' relays would, and the LIVE monitor (SlaMonitor.onEvents and runDue, the code its consumer and
// scheduler run) driven through them in recorded order with a manual clock, firing every warning and breach at the
// instant it falls due, so the record is what a monitor without lag would have written. Events go in through the
// monitor's consumer group's inbox, as its consumer takes them in.
import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners } from 'kafkajs';
import { DataSource } from 'typeorm';
import { eventCatalogue, RecordedEvent } from '@support/contracts';
import { ConsumedEvent, ConsumerInbox, toKafkaMessage } from '@support/messaging';
import { DUE_LIMIT, SlaMonitor } from '../../src/application/sla-monitor.service';
import { CLOCK_EVENTS_GROUP } from '../../src/application/clock-events.reactor';

/** An input event of the monitor: its id, type, data, recorded time and Kafka key (the aggregate id). */
export interface InputEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  occurredAt: Date;
  key: string;
}

const iso = (at: Date) => at.toISOString();
const input = (type: string, key: string, data: Record<string, unknown>, occurredAt: Date): InputEvent => ({ id: randomUUID(), type, data, occurredAt, key });

/** schema-valid events of the catalogue, as intake and field-service publish them */
export const events = {
  received: (ticketId: string, urgency: 'urgent' | 'normal', requestedAt: Date, at: Date) =>
    input(
      'support.ticket.received.v1',
      ticketId,
      {
        ticketId,
        customerId: randomUUID(),
        customer: { name: 'Simulated Customer' },
        channel: 'wechat',
        deviceModel: 'Sony A7 IV',
        problem: 'camera not recognised',
        urgency,
        requestedAt: iso(requestedAt),
        receivedAt: iso(at),
      },
      at,
    ),
  assigned: (ticketId: string, at: Date) => input('support.ticket.assigned.v1', ticketId, { ticketId, assignee: { id: 'agent-1', role: 'agent' }, tier: 'L1' }, at),
  contacted: (ticketId: string, at: Date) => input('support.ticket.contacted.v1', ticketId, { ticketId, channel: 'phone', contactedAt: iso(at) }, at),
  resolved: (ticketId: string, remote: boolean, at: Date) => input('support.ticket.resolved.v1', ticketId, { ticketId, resolution: 'driver reinstalled', remote }, at),
  cancelled: (ticketId: string, at: Date) => input('support.ticket.cancelled.v1', ticketId, { ticketId, reason: 'customer withdrew' }, at),
  onSiteScheduled: (ticketId: string, visitId: string, appointmentAt: Date, at: Date) =>
    input('support.ticket.on-site-scheduled.v1', ticketId, { ticketId, visitId, appointmentAt: iso(appointmentAt) }, at),
  visitPrepared: (ticketId: string, visitId: string, appointmentAt: Date, at: Date) =>
    input(
      'support.visit.prepared.v1',
      visitId,
      {
        visitId,
        ticketId,
        checklist: { tools: ['screwdriver'], spareParts: ['usb-c cable'], addressConfirmed: true, deviceStateConfirmed: true, deviceState: 'powers on, no image' },
        preparedAt: iso(at),
        appointmentAt: iso(appointmentAt),
      },
      at,
    ),
  visitCompleted: (ticketId: string, visitId: string, at: Date) =>
    input('support.visit.completed.v1', visitId, { visitId, ticketId, completedAt: iso(at), workDone: 'replaced the cable', customerTested: true, usageNotes: 'keep dry' }, at),
  sheetSubmitted: (ticketId: string, sheetId: string, kind: 'remote' | 'on-site', at: Date, visitId?: string) =>
    input(
      'support.sheet.submitted.v1',
      sheetId,
      {
        sheetId,
        ticketId,
        ...(visitId ? { visitId } : {}),
        kind,
        submittedAt: iso(at),
        contents: {
          customer: { name: 'Simulated Customer', contact: 'wechat' },
          device: 'Sony A7 IV',
          problem: 'camera not recognised',
          diagnosis: 'driver lost',
          workDone: 'driver reinstalled',
          partsUsed: [],
          timeSpentMinutes: 20,
          result: 'fixed',
        },
      },
      at,
    ),
};

/** recorded order, as the simulation reads it back: time, then topic; a generator never gives one key two events at one instant */
export function inRecordedOrder(list: readonly InputEvent[]): InputEvent[] {
  const topic = (e: InputEvent) => eventCatalogue.definition(e.type).topic;
  return [...list].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (topic(a) < topic(b) ? -1 : topic(a) > topic(b) ? 1 : 0));
}

/** Publishes the events as their owners' relays would (CloudEvents binary mode, the catalogue's topic, keyed by aggregate), 500 to a request. */
export async function publishInputs(kafka: Kafka, list: readonly InputEvent[]): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let start = 0; start < list.length; start += 500) {
      const byTopic = new Map<string, Array<{ key: string; value: string; headers: Record<string, string> }>>();
      for (const event of list.slice(start, start + 500)) {
        const topic = eventCatalogue.definition(event.type).topic;
        const source = topic === 'support.tickets.v1' ? 'intake' : 'field-service';
        const recorded: RecordedEvent = {
          id: event.id,
          type: event.type,
          data: event.data,
          occurredAt: event.occurredAt,
          metadata: { actor: { id: source, role: 'service' }, causationId: null, correlationId: event.id },
          streamId: event.key,
          streamType: source,
          version: 1,
          globalPosition: '0',
          transactionId: '0',
          prevHash: '0'.repeat(64),
          hash: '0'.repeat(64),
        };
        const message = toKafkaMessage(recorded, source, topic);
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), { key: message.key, value: JSON.stringify(message.value), headers: message.headers }]);
      }
      await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** What the driver needs of a running monitor: its database, the monitor, the clock it reads, and its schema. */
export interface LiveMonitor {
  dataSource: DataSource;
  monitor: SlaMonitor;
  setNow(at: Date): void;
  schema: string;
}

/**
 * Drives the live monitor through `list` (in recorded order) up to `until`: at each instant, first what the
 * scheduler finds due (runDue with the clock at that instant, as often as it finds a full batch), then the events
 * of the instant (onEvents, several tickets to a transaction as the consumer's batch does; one key per instant).
 * The next instant is the earlier of the next event and the earliest `next_tick_at` of the clock table (never
 * before the instant reached, `since` if given). Returns the number of steps (instants) it took.
 */
export async function driveLiveMonitor(live: LiveMonitor, list: readonly InputEvent[], until: Date, since?: Date): Promise<{ steps: number }> {
  let i = 0;
  let now = since?.getTime() ?? (list.length > 0 ? list[0].occurredAt.getTime() : until.getTime());
  let steps = 0;
  const clocks = `"${live.schema}".clocks`;
  const inbox = new ConsumerInbox(live.schema, `${live.schema}.${CLOCK_EVENTS_GROUP}`, live.dataSource);
  for (;;) {
    const nextEvent = i < list.length ? list[i].occurredAt.getTime() : until.getTime();
    const [{ next }]: Array<{ next: Date | null }> = await live.dataSource.query(`SELECT min(next_tick_at) AS next FROM ${clocks} WHERE next_tick_at <= $1`, [new Date(nextEvent)]);
    steps++;
    if (next !== null) {
      now = Math.max(next.getTime(), now);
      live.setNow(new Date(now));
      for (let looked = DUE_LIMIT, rounds = 0; looked === DUE_LIMIT && rounds < 1000; rounds++) looked = await live.monitor.runDue();
      continue;
    }
    if (i >= list.length) break;
    now = nextEvent;
    live.setNow(new Date(now));
    const batch: InputEvent[] = [];
    while (i < list.length && list[i].occurredAt.getTime() === now) batch.push(list[i++]);
    for (let start = 0; start < batch.length; start += 100) {
      // through the monitor's consumer group's inbox, as its consumer takes events in (a simulation replays what it took in)
      const chunk = batch.slice(start, start + 100).map(consumed);
      // the inbox's topic column says where an event came from; a chunk of one instant may span topics, its first names them
      await inbox.applyAllOnce(chunk, chunk[0].topic, (fresh, manager) =>
        live.monitor.onEvents(
          manager,
          fresh.map((event) => ({ id: event.id, type: event.type, data: event.data, occurredAt: event.time, correlationId: event.id })),
        ),
      );
    }
  }
  live.setNow(until);
  return { steps };
}

/** an input event as the monitor's consumer decodes it */
function consumed(event: InputEvent): ConsumedEvent {
  return {
    id: event.id,
    type: event.type,
    source: 'intake',
    subject: event.key,
    time: event.occurredAt.toISOString(),
    data: event.data,
    streamVersion: 1,
    causationId: null,
    correlationId: event.id,
    actor: { id: 'intake', role: 'service' },
    auditHash: null,
    topic: eventCatalogue.definition(event.type).topic,
    partition: 0,
    offset: '0',
  };
}

/** A generated month: `tickets` tickets over `days` days from `start`, what a support team's record looks like. */
export interface MonthOptions {
  start: Date;
  days: number;
  tickets: number;
  /** deterministic pseudo-random numbers (a seed) */
  seed?: number;
}

/**
 * Tickets arrive on a 5-minute grid over the period (30 % urgent); most are assigned, contacted (some late),
 * fixed remotely with a sheet (some late, some written before the fix reached the monitor), some booked on site
 * (prepared, completed, a sheet), some cancelled. Every event of a ticket on its own minute. The seed fixes the
 * month's shape; ids are new on every call, so months published to one broker never share a ticket.
 */
export function generateMonth({ start, days, tickets, seed = 42 }: MonthOptions): InputEvent[] {
  let state = seed >>> 0;
  const random = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const minute = 60_000;
  const slots = Math.floor((days * 24 * 60 - 24 * 60) / 5); // the last day left for the tickets to play out
  const list: InputEvent[] = [];
  for (let n = 0; n < tickets; n++) {
    const ticketId = randomUUID();
    const receivedAt = start.getTime() + pick(0, slots - 1) * 5 * minute;
    const at = (offset: number) => new Date(receivedAt + offset * minute);
    const urgency = random() < 0.3 ? 'urgent' : 'normal';
    const asked = pick(0, 20);
    list.push(events.received(ticketId, urgency, at(-asked), at(0)));
    if (random() < 0.04) {
      list.push(events.cancelled(ticketId, at(pick(1, 10))));
      continue;
    }
    let t = pick(1, 25);
    list.push(events.assigned(ticketId, at(t)));
    if (random() < 0.05) {
      list.push(events.cancelled(ticketId, at(t + pick(5, 90))));
      continue;
    }
    t += pick(3, urgency === 'urgent' ? 45 : 90);
    list.push(events.contacted(ticketId, at(t)));
    if (random() < 0.8) {
      t += pick(5, 45);
      list.push(events.resolved(ticketId, true, at(t)));
      const sheetAfter = random() < 0.1 ? -1 : pick(1, 15);
      list.push(events.sheetSubmitted(ticketId, randomUUID(), 'remote', at(t + sheetAfter)));
    } else {
      const visitId = randomUUID();
      t += pick(5, 40);
      const appointment = at(t + pick(3, 30) * 60);
      list.push(events.onSiteScheduled(ticketId, visitId, appointment, at(t)));
      const prepared = appointment.getTime() - pick(30, 180) * minute;
      list.push(events.visitPrepared(ticketId, visitId, appointment, new Date(Math.max(prepared, receivedAt + (t + 1) * minute))));
      const completed = appointment.getTime() + pick(30, 120) * minute;
      list.push(events.visitCompleted(ticketId, visitId, new Date(completed)));
      list.push(events.sheetSubmitted(ticketId, randomUUID(), 'on-site', new Date(completed + pick(10, 180) * minute), visitId));
      list.push(events.resolved(ticketId, false, new Date(completed + 1 * minute)));
    }
  }
  return inRecordedOrder(list);
}
