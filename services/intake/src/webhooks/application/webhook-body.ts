import { eventCatalogue, removeAt } from '@support/contracts';
import { ConsumedEvent } from '@support/messaging';

/** What a partner receives: one ticket event, as JSON (documented in the README and the OpenAPI page). */
export interface WebhookBody {
  /** the ticket event's type, e.g. support.ticket.contacted.v1 */
  type: string;
  /** when the event was recorded (ISO 8601) */
  timestamp: string;
  data: {
    /** the event's id: also the webhook-id header, the same on every retry */
    eventId: string;
    ticketId: string;
    /** the ticket's version this event made: 1, 2, 3, ... in order */
    version: number;
    actor: { id: string; role: string };
    causationId: string | null;
    correlationId: string | null;
    /** the event's data as the catalogue describes it, without personal data */
    event: unknown;
  };
}

/**
 * The body of a delivery. Personal data (a customer's name, phone, WeChat id) is left out: the topic
 * holds it sealed, a partner could not open it, and a copy kept in the deliveries would outlive an
 * erasure. A partner with a token reads the ticket itself.
 */
export function webhookBody(event: ConsumedEvent): string {
  const pointers = eventCatalogue.has(event.type) ? (eventCatalogue.definition(event.type).personalData ?? []) : [];
  const body: WebhookBody = {
    type: event.type,
    timestamp: event.time,
    data: {
      eventId: event.id,
      ticketId: event.subject,
      version: event.streamVersion,
      actor: { id: event.actor.id, role: event.actor.role },
      causationId: event.causationId,
      correlationId: event.correlationId,
      event: pointers.reduce((data, pointer) => removeAt(data, pointer), event.data),
    },
  };
  return JSON.stringify(body);
}
