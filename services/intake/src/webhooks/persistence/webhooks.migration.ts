import { MigrationInterface } from 'typeorm';
import { qualified, sqlMigration } from '@support/event-store';

/**
 * Webhook subscriptions (the read model of their streams), their signing secrets (apart, wrapped: a
 * rotation or a deletion really removes one) and the deliveries queued from the ticket topic, one per
 * (subscription, ticket event), kept with their attempts' outcome.
 */
export function intakeWebhooksMigration(schema: string): new () => MigrationInterface {
  const subscriptions = qualified(schema, 'webhook_subscriptions');
  const secrets = qualified(schema, 'webhook_secrets');
  const deliveries = qualified(schema, 'webhook_deliveries');
  return sqlMigration(
    'IntakeWebhooks1800000000000',
    [
      `CREATE TABLE ${subscriptions} (
         subscription_id uuid PRIMARY KEY,
         status text NOT NULL CHECK (status IN ('enabled', 'disabled', 'deleted')),
         url text NOT NULL,
         event_types text[] NOT NULL,
         description text,
         disabled_reason text,
         version integer NOT NULL,
         created_at timestamptz NOT NULL,
         updated_at timestamptz NOT NULL)`,
      `CREATE TABLE ${secrets} (
         subscription_id uuid PRIMARY KEY REFERENCES ${subscriptions},
         wrapped_secret bytea NOT NULL,
         kek_id text NOT NULL,
         created_at timestamptz NOT NULL)`,
      `CREATE TABLE ${deliveries} (
         delivery_id uuid PRIMARY KEY,
         seq bigserial NOT NULL UNIQUE,
         subscription_id uuid NOT NULL REFERENCES ${subscriptions},
         event_id uuid NOT NULL,
         event_type text NOT NULL,
         ticket_id uuid NOT NULL,
         ticket_version integer NOT NULL,
         body text NOT NULL,
         status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
         attempts integer NOT NULL DEFAULT 0,
         next_attempt_at timestamptz NOT NULL,
         last_attempt_at timestamptz,
         last_status_code integer,
         last_error text,
         delivered_at timestamptz,
         created_at timestamptz NOT NULL,
         UNIQUE (subscription_id, event_id))`,
      // the queue: each (subscription, ticket)'s earliest undelivered event is the one that may go
      `CREATE INDEX webhook_deliveries_queue ON ${deliveries} (subscription_id, ticket_id, ticket_version) WHERE status <> 'delivered'`,
      `CREATE INDEX webhook_deliveries_by_subscription ON ${deliveries} (subscription_id, seq)`,
    ],
    [`DROP TABLE ${deliveries}, ${secrets}, ${subscriptions}`],
  );
}
