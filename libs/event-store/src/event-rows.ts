import { RecordedEvent } from '@support/contracts';

/** An event row as the store selects it. */
export interface EventRow {
  global_position: string;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  stream_type: string;
  version: number;
  type: string;
  data: unknown;
  metadata: RecordedEvent['metadata'];
  occurred_at: Date;
  prev_hash: string;
  hash: string;
  hash_scheme: number;
}

export const EVENT_COLUMNS = 'global_position, transaction_id, event_id, stream_id, stream_type, version, type, data, metadata, occurred_at, prev_hash, hash, hash_scheme';

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    data: row.data,
    occurredAt: row.occurred_at,
    metadata: row.metadata,
    streamId: row.stream_id,
    streamType: row.stream_type,
    version: row.version,
    globalPosition: row.global_position,
    transactionId: row.transaction_id,
    prevHash: row.prev_hash,
    hash: row.hash,
    hashScheme: row.hash_scheme,
  };
}

/** events by stream, each in the order given; every `expected` stream is present, [] when it has none */
export function groupByStream(events: RecordedEvent[], expected: readonly string[] = []): Map<string, RecordedEvent[]> {
  const streams = new Map<string, RecordedEvent[]>(expected.map((id) => [id, []]));
  for (const event of events) {
    const stream = streams.get(event.streamId);
    if (stream) stream.push(event);
    else streams.set(event.streamId, [event]);
  }
  return streams;
}
