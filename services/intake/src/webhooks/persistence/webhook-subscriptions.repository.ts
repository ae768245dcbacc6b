import { EntityManager } from 'typeorm';
import { KeyEncryptionKey } from '@support/personal-data';
import { qualified, SqlExecutor } from '@support/event-store';
import { cursorShape, Page, pageOf, PageRequest, rowsToRead, SortKey } from '@support/service-kit';
import { WebhookSubscription } from '../domain';

/** A subscription as a read answers it: never its secret. */
export interface SubscriptionView {
  id: string;
  status: WebhookSubscription['status'];
  url: string;
  eventTypes: string[];
  description?: string;
  disabledReason?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The subscriptions list's sort key (oldest first). */
export const SUBSCRIPTION_CURSOR = cursorShape({ createdAt: 'time', id: 'uuid' });
export type SubscriptionCursor = SortKey<typeof SUBSCRIPTION_CURSOR>;

interface SubscriptionRow {
  subscription_id: string;
  status: WebhookSubscription['status'];
  url: string;
  event_types: string[];
  description: string | null;
  disabled_reason: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** The subscriptions' read model, written in each command's transaction. */
export class WebhookSubscriptionsRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = qualified(schema, 'webhook_subscriptions');
  }

  async save(manager: EntityManager, subscription: WebhookSubscription, version: number, at: Date): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.table} (subscription_id, status, url, event_types, description, disabled_reason, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
       ON CONFLICT (subscription_id) DO UPDATE SET status = EXCLUDED.status, url = EXCLUDED.url, event_types = EXCLUDED.event_types,
         disabled_reason = EXCLUDED.disabled_reason, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
       WHERE ${this.table}.version < EXCLUDED.version`,
      [subscription.id, subscription.status, subscription.url, subscription.eventTypes, subscription.description ?? null, subscription.disabledReason ?? null, version, at],
    );
  }

  async get(executor: SqlExecutor, id: string): Promise<SubscriptionView | null> {
    const rows: SubscriptionRow[] = await executor.query(`SELECT * FROM ${this.table} WHERE subscription_id = $1`, [id]);
    return rows.length === 0 ? null : viewOf(rows[0]);
  }

  async page(executor: SqlExecutor, request: PageRequest<SubscriptionCursor>): Promise<Page<SubscriptionView>> {
    const after = request.after;
    const rows: SubscriptionRow[] = await executor.query(
      `SELECT * FROM ${this.table}
        WHERE $1::timestamptz IS NULL OR (created_at, subscription_id) > ($1::timestamptz, $2::uuid)
        ORDER BY created_at, subscription_id LIMIT $3`,
      [after?.createdAt ?? null, after?.id ?? null, rowsToRead(request)],
    );
    return pageOf(rows.map(viewOf), request, (view) => ({ createdAt: view.createdAt, id: view.id }));
  }

  /** the subscriptions an event of this type is queued for: enabled or disabled (sent once enabled again) */
  async subscribedTo(executor: SqlExecutor, eventType: string): Promise<string[]> {
    const rows: Array<{ subscription_id: string }> = await executor.query(
      `SELECT subscription_id FROM ${this.table} WHERE status <> 'deleted' AND $1 = ANY (event_types) ORDER BY subscription_id`,
      [eventType],
    );
    return rows.map((row) => row.subscription_id);
  }
}

function viewOf(row: SubscriptionRow): SubscriptionView {
  return {
    id: row.subscription_id,
    status: row.status,
    url: row.url,
    eventTypes: row.event_types,
    ...(row.description === null ? {} : { description: row.description }),
    ...(row.disabled_reason === null ? {} : { disabledReason: row.disabled_reason }),
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * The signing secrets, one row per subscription, wrapped (AES-256-GCM, the subscription's id as associated
 * data) with a key derived from the personal-data key-encryption key, which lives outside the database: a
 * dump holds no usable secret. Replaced on rotation and deleted with the subscription: nothing keeps a copy.
 */
export class WebhookSecrets {
  private readonly table: string;
  private readonly key: KeyEncryptionKey;

  constructor(schema: string, kek: KeyEncryptionKey) {
    this.table = qualified(schema, 'webhook_secrets');
    this.key = new KeyEncryptionKey(kek.derive('webhook signing secrets'));
  }

  async put(manager: EntityManager, subscriptionId: string, secret: Buffer, at: Date): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.table} (subscription_id, wrapped_secret, kek_id, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (subscription_id) DO UPDATE SET wrapped_secret = EXCLUDED.wrapped_secret, kek_id = EXCLUDED.kek_id, created_at = EXCLUDED.created_at`,
      [subscriptionId, this.key.wrap(subscriptionId, secret), this.key.id, at],
    );
  }

  async remove(manager: EntityManager, subscriptionId: string): Promise<void> {
    await manager.query(`DELETE FROM ${this.table} WHERE subscription_id = $1`, [subscriptionId]);
  }

  /** the secrets of these subscriptions, by id; one without a secret (deleted) is not in the map */
  async secretsOf(executor: SqlExecutor, subscriptionIds: readonly string[]): Promise<Map<string, Buffer>> {
    const rows: Array<{ subscription_id: string; wrapped_secret: Buffer }> = await executor.query(
      `SELECT subscription_id, wrapped_secret FROM ${this.table} WHERE subscription_id = ANY ($1::uuid[])`,
      [subscriptionIds],
    );
    return new Map(rows.map((row) => [row.subscription_id, this.key.unwrap(row.subscription_id, row.wrapped_secret)]));
  }
}
