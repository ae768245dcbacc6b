import { Actor } from './actor';

/** Who caused an event and in answer to what. */
export interface EventMetadata {
  actor: Actor;
  /** id of the event or command that caused this one */
  causationId?: string | null;
  /** id shared by everything that follows from one request */
  correlationId?: string | null;
}

/** An event ready to be appended: a domain event plus its envelope. */
export interface NewEvent<Data = unknown> {
  id: string;
  type: string;
  data: Data;
  occurredAt: Date;
  metadata: EventMetadata;
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
}
