import { randomUUID } from 'node:crypto';
import { Actor } from './actor';

/** Who caused an event and in answer to what. */
export interface EventMetadata {
  actor: Actor;
  /** id of the event or command that caused this one */
  causationId?: string | null;
  /** when the causing event happened (its ISO time), for an event recorded in answer to another service's event */
  causationOccurredAt?: string;
  /** id shared by everything that follows from one request */
  correlationId?: string | null;
}

/** A W3C trace context (https://www.w3.org/TR/trace-context/): where in a distributed trace something happened. */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

/** An event ready to be appended: a domain event plus its envelope. */
export interface NewEvent<Data = unknown> {
  id: string;
  type: string;
  data: Data;
  occurredAt: Date;
  metadata: EventMetadata;
  /**
   * the trace of the request or event that caused it, carried to the event's Kafka message only: neither
   * stored with the event nor hashed, so the record is the same with tracing on or off
   */
  trace?: TraceContext;
}

/** An event as stored in a stream. */
export interface RecordedEvent<Data = unknown> extends NewEvent<Data> {
  streamId: string;
  streamType: string;
  version: number;
  globalPosition: string;
  transactionId: string;
  prevHash: string;
  hash: string;
  /** how `hash` was computed (libs/event-store hash-chain.ts); absent on events read before it was stored: 1 */
  hashScheme?: number;
}

/**
 * Who causes the events of one command or reaction: the actor, and in answer to what; and the trace it
 * belongs to, taken where the command was submitted (a batch written later by another caller keeps it).
 */
export type Cause = EventMetadata & { trace?: TraceContext };

/**
 * A decided event in its envelope, ready to append: a fresh id, the time it happened, who did it and in
 * answer to what. Without a correlation id the event starts its own correlation (or joins its cause's).
 */
export function envelopeOf(event: { type: string; data: unknown }, cause: Cause, at: Date): NewEvent {
  const id = randomUUID();
  return {
    id,
    type: event.type,
    data: event.data,
    occurredAt: at,
    metadata: {
      actor: cause.actor,
      causationId: cause.causationId ?? null,
      correlationId: cause.correlationId ?? cause.causationId ?? id,
      // absent when there is none: an event with no such cause keeps the metadata (and hash) it always had
      ...(cause.causationOccurredAt ? { causationOccurredAt: cause.causationOccurredAt } : {}),
    },
    ...(cause.trace ? { trace: cause.trace } : {}),
  };
}

/** A value as it comes back from JSON (a stored view, an HTTP answer): dates as ISO strings, at any depth. */
export type Jsonified<T> = T extends Date ? string : T extends ReadonlyArray<infer Item> ? Jsonified<Item>[] : T extends object ? { [K in keyof T]: Jsonified<T[K]> } : T;
