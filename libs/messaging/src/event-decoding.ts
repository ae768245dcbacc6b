import { KafkaMessage } from 'kafkajs';
import { EventCatalogue, TOPIC_OWNERS } from '@support/contracts';
import { ConsumedEvent, fromKafkaMessage } from './cloud-event.codec';
import { Position } from './consumer-options';

/** An event that can never be handled: parked at once, without retries. */
export class PoisonMessage extends Error {}

/** the event, or why it can never be handled */
export function decodeEvent(message: KafkaMessage, where: Position, catalogue: EventCatalogue): ConsumedEvent | PoisonMessage {
  let event: ConsumedEvent;
  try {
    event = fromKafkaMessage(message, where);
  } catch (error) {
    return new PoisonMessage(`not a CloudEvent: ${(error as Error).message}`);
  }
  // only the owning service writes an aggregate family's topic: anything else is misconfigured or forged
  const owner = TOPIC_OWNERS[where.topic];
  if (owner !== undefined && event.source !== owner) return new PoisonMessage(`${event.type} on ${where.topic} comes from ${event.source}, not ${owner}, the topic's owner`);
  if (catalogue.has(event.type)) {
    const valid = catalogue.validate(event.type, event.data);
    if (!valid.ok) return new PoisonMessage(`${event.type} does not match its schema: ${valid.errors.join('; ')}`);
  }
  return event;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** the CloudEvent id in the headers, when it is one an inbox can hold (anything else is poison, found later) */
export function eventIdOf(message: KafkaMessage): string | undefined {
  const id = message.headers?.ce_id?.toString();
  return id !== undefined && UUID.test(id) ? id : undefined;
}
