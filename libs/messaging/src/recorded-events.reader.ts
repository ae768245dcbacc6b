import { randomUUID } from 'node:crypto';
import { EventCatalogue } from '@support/contracts';
import { ConsumedEvent } from './cloud-event.codec';
import { decodeEvent, PoisonMessage } from './event-decoding';
import { MessagingClient } from './kafka-client';
import { scanKafkaMessages } from './topic-io';

/** The record as a replay reads it: the events, and how many messages it passed over as unreadable. */
export interface RecordedEvents {
  events: ConsumedEvent[];
  /** messages that are not catalogue events (the ones a consumer parks): never replayed */
  unreadable: number;
}

/**
 * The events of `topics` recorded up to `upTo` (their CloudEvents `time`), for a replay (a what-if
 * simulation): read from offset 0 to each topic's end as it is when called, decoded and validated as a
 * consumer does, in a throw-away group `<groupPrefix>simulation.<uuid>` that commits nothing and is
 * deleted afterwards, so no live group's offsets move and nothing is published.
 *
 * Ordered by recorded time, then topic, partition and offset: one aggregate's events keep their order
 * (same key, same partition), and the same record always gives the same sequence.
 */
export async function readRecordedEvents(
  client: MessagingClient,
  topics: readonly string[],
  {
    groupPrefix,
    upTo,
    catalogue,
    takenIn,
    timeoutMs,
  }: {
    groupPrefix: string;
    upTo: Date;
    catalogue: EventCatalogue;
    /** only these event ids: those the service's own groups took in (`takenInBy`: their inboxes), so a service that joined the topics late replays what it saw, not what came before it */
    takenIn?: ReadonlySet<string>;
    timeoutMs?: number;
  },
): Promise<RecordedEvents> {
  const events: ConsumedEvent[] = [];
  let unreadable = 0;
  const until = upTo.getTime();
  for (const topic of topics) {
    const groupId = `${groupPrefix}simulation.${randomUUID()}`;
    await scanKafkaMessages(
      client,
      topic,
      (partition, message) => {
        const event = decodeEvent(message, { topic, partition, offset: message.offset }, catalogue);
        if (event instanceof PoisonMessage) unreadable++;
        else if (Date.parse(event.time) <= until && (!takenIn || takenIn.has(event.id))) events.push(event);
      },
      { groupId, timeoutMs },
    );
  }
  events.sort(recordedOrder);
  return { events, unreadable };
}

/** recorded time, then topic, partition and offset */
export function recordedOrder(a: ConsumedEvent, b: ConsumedEvent): number {
  return (
    Date.parse(a.time) - Date.parse(b.time) || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0) || a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset))
  );
}
