import { qualified, SqlExecutor } from '@support/event-store';
import { cursorShape, Page, pageOf, PageRequest, rowsToRead, SortKey } from '@support/service-kit';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One ticket event to deliver to one subscription, as the deliveries list shows it. */
export interface DeliveryView {
  id: string;
  subscriptionId: string;
  /** the ticket event's id: the webhook-id header */
  eventId: string;
  eventType: string;
  ticketId: string;
  ticketVersion: number;
  /** pending: queued or retrying; delivered: answered 2xx; failed: every attempt of the schedule failed */
  status: DeliveryStatus;
  /** attempts since it was last queued */
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/** A delivery to send now: the earliest undelivered event of its ticket for its subscription. */
export interface DueDelivery {
  id: string;
  subscriptionId: string;
  url: string;
  eventId: string;
  ticketId: string;
  body: string;
  attempts: number;
}

/** What one attempt came to. */
export interface AttemptOutcome {
  at: Date;
  statusCode: number | null;
  error: string | null;
  /** delivered: 2xx */
  delivered: boolean;
  /** when a failed delivery is tried again; none: it failed for good */
  nextAttemptAt?: Date;
}

/** A new delivery, queued by the fan-out of a ticket event, with the body every attempt sends. */
export type QueuedDelivery = Pick<DeliveryView, 'id' | 'subscriptionId' | 'eventId' | 'eventType' | 'ticketId' | 'ticketVersion'> & { body: string };

/** The deliveries list's sort key: newest first. */
export const DELIVERY_CURSOR = cursorShape({ seq: 'bigint' });
export type DeliveryCursor = SortKey<typeof DELIVERY_CURSOR>;

interface DeliveryRow {
  delivery_id: string;
  seq: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  ticket_id: string;
  ticket_version: number;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

const ERROR_MAX = 500;

/** The delivery queue and its record: what was sent where, how often, with what answer. */
export class WebhookDeliveriesRepository {
  private readonly table: string;
  private readonly subscriptions: string;

  constructor(schema: string) {
    this.table = qualified(schema, 'webhook_deliveries');
    this.subscriptions = qualified(schema, 'webhook_subscriptions');
  }

  /** queues deliveries due at `at`; one already queued for the same (subscription, event) is left as it is */
  async enqueue(executor: SqlExecutor, deliveries: readonly QueuedDelivery[], at: Date): Promise<void> {
    if (deliveries.length === 0) return;
    await executor.query(
      `INSERT INTO ${this.table} (delivery_id, subscription_id, event_id, event_type, ticket_id, ticket_version, body, status, next_attempt_at, created_at)
       SELECT d.id, d.subscription_id, d.event_id, d.event_type, d.ticket_id, d.ticket_version, d.body, 'pending', $2, $2
         FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, subscription_id uuid, event_id uuid, event_type text, ticket_id uuid, ticket_version integer, body text)
       ON CONFLICT (subscription_id, event_id) DO NOTHING`,
      [
        JSON.stringify(
          deliveries.map((d) => ({
            id: d.id,
            subscription_id: d.subscriptionId,
            event_id: d.eventId,
            event_type: d.eventType,
            ticket_id: d.ticketId,
            ticket_version: d.ticketVersion,
            body: d.body,
          })),
        ),
        at,
      ],
    );
  }

  /**
   * The deliveries that may go now: of each enabled subscription and ticket, the earliest event not yet
   * delivered, when it is pending and due. A later event of that ticket waits until it succeeds.
   */
  async due(executor: SqlExecutor, now: Date, limit: number): Promise<DueDelivery[]> {
    const rows: Array<{ delivery_id: string; subscription_id: string; url: string; event_id: string; ticket_id: string; body: string; attempts: number }> = await executor.query(
      `SELECT h.delivery_id, h.subscription_id, h.url, h.event_id, h.ticket_id, h.body, h.attempts FROM (
           SELECT DISTINCT ON (d.subscription_id, d.ticket_id) d.*, s.url
             FROM ${this.table} d JOIN ${this.subscriptions} s ON s.subscription_id = d.subscription_id AND s.status = 'enabled'
            WHERE d.status <> 'delivered'
            ORDER BY d.subscription_id, d.ticket_id, d.ticket_version, d.seq) h
          WHERE h.status = 'pending' AND h.next_attempt_at <= $1
          ORDER BY h.next_attempt_at, h.seq LIMIT $2`,
      [now, limit],
    );
    return rows.map((row) => ({
      id: row.delivery_id,
      subscriptionId: row.subscription_id,
      url: row.url,
      eventId: row.event_id,
      ticketId: row.ticket_id,
      body: row.body,
      attempts: row.attempts,
    }));
  }

  async record(executor: SqlExecutor, deliveryId: string, outcome: AttemptOutcome): Promise<void> {
    const status: DeliveryStatus = outcome.delivered ? 'delivered' : outcome.nextAttemptAt ? 'pending' : 'failed';
    await executor.query(
      `UPDATE ${this.table} SET status = $2, attempts = attempts + 1, last_attempt_at = $3, last_status_code = $4, last_error = $5,
         next_attempt_at = COALESCE($6, next_attempt_at), delivered_at = CASE WHEN $2 = 'delivered' THEN $3 ELSE delivered_at END
       WHERE delivery_id = $1`,
      [deliveryId, status, outcome.at, outcome.statusCode, outcome.error?.slice(0, ERROR_MAX) ?? null, outcome.nextAttemptAt ?? null],
    );
  }

  /** queues a delivery again, due at once, its attempts counted afresh */
  async requeue(executor: SqlExecutor, deliveryId: string, at: Date): Promise<void> {
    await executor.query(`UPDATE ${this.table} SET status = 'pending', attempts = 0, next_attempt_at = $2 WHERE delivery_id = $1`, [deliveryId, at]);
  }

  /** on re-enabling: what had failed for good goes again, each ticket's from its failed event on */
  async requeueFailed(executor: SqlExecutor, subscriptionId: string, at: Date): Promise<void> {
    await executor.query(`UPDATE ${this.table} SET status = 'pending', attempts = 0, next_attempt_at = $2 WHERE subscription_id = $1 AND status = 'failed'`, [subscriptionId, at]);
  }

  async get(executor: SqlExecutor, subscriptionId: string, deliveryId: string): Promise<DeliveryView | null> {
    const rows: DeliveryRow[] = await executor.query(`SELECT * FROM ${this.table} WHERE subscription_id = $1 AND delivery_id = $2`, [subscriptionId, deliveryId]);
    return rows.length === 0 ? null : viewOf(rows[0]);
  }

  async page(executor: SqlExecutor, subscriptionId: string, status: DeliveryStatus | undefined, request: PageRequest<DeliveryCursor>): Promise<Page<DeliveryView>> {
    const rows: DeliveryRow[] = await executor.query(
      `SELECT * FROM ${this.table}
        WHERE subscription_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::bigint IS NULL OR seq < $3::bigint)
        ORDER BY seq DESC LIMIT $4`,
      [subscriptionId, status ?? null, request.after?.seq ?? null, rowsToRead(request)],
    );
    const keyed = rows.map((row) => ({ row, view: viewOf(row) }));
    const page = pageOf(keyed, request, ({ row }) => ({ seq: row.seq }));
    return { items: page.items.map(({ view }) => view), nextCursor: page.nextCursor };
  }
}

function viewOf(row: DeliveryRow): DeliveryView {
  const iso = (value: Date | null) => (value === null ? null : value.toISOString());
  return {
    id: row.delivery_id,
    subscriptionId: row.subscription_id,
    eventId: row.event_id,
    eventType: row.event_type,
    ticketId: row.ticket_id,
    ticketVersion: row.ticket_version,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
    lastAttemptAt: iso(row.last_attempt_at),
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    deliveredAt: iso(row.delivered_at),
    createdAt: row.created_at.toISOString(),
  };
}
