import { MigrationInterface } from 'typeorm';
import { qualified, sqlMigration } from '@support/event-store';

/**
 * Each member's open tickets as a counter, kept by a trigger with every change of a routed ticket's status
 * or assignee in the same transaction: a round reads the roster without counting every open ticket, so
 * its cost does not grow with the backlog.
 */
export function openTicketCountsMigration(schema: string): new () => MigrationInterface {
  const members = qualified(schema, 'members');
  const tickets = qualified(schema, 'routed_tickets');
  const count = qualified(schema, 'count_open_tickets');
  return sqlMigration(
    'RoutingOpenTicketCounts1799200001000',
    [
      `ALTER TABLE ${members} ADD COLUMN open_tickets integer NOT NULL DEFAULT 0`,
      `UPDATE ${members} m SET open_tickets = o.n
         FROM (SELECT assignee_id, count(*)::int AS n FROM ${tickets} WHERE status = 'open' GROUP BY assignee_id) o
        WHERE o.assignee_id = m.member_id`,
      `CREATE FUNCTION ${count}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.assignee_id IS NOT DISTINCT FROM NEW.assignee_id THEN
           RETURN NULL;
         END IF;
         IF TG_OP <> 'INSERT' AND OLD.status = 'open' AND OLD.assignee_id IS NOT NULL THEN
           UPDATE ${members} SET open_tickets = open_tickets - 1 WHERE member_id = OLD.assignee_id;
         END IF;
         IF TG_OP <> 'DELETE' AND NEW.status = 'open' AND NEW.assignee_id IS NOT NULL THEN
           UPDATE ${members} SET open_tickets = open_tickets + 1 WHERE member_id = NEW.assignee_id;
         END IF;
         RETURN NULL;
       END $$`,
      `CREATE TRIGGER routed_tickets_open_count AFTER INSERT OR DELETE OR UPDATE OF status, assignee_id ON ${tickets}
         FOR EACH ROW EXECUTE FUNCTION ${count}()`,
    ],
    [`DROP TRIGGER routed_tickets_open_count ON ${tickets}`, `DROP FUNCTION ${count}()`, `ALTER TABLE ${members} DROP COLUMN open_tickets`],
  );
}

/**
 * The queue (tickets waiting for an assignee or an escalation) read by an index of its own: every round
 * reads it, and without one that was a scan of every ticket routing ever saw.
 */
export function queueIndexMigration(schema: string): new () => MigrationInterface {
  const tickets = qualified(schema, 'routed_tickets');
  return sqlMigration(
    'RoutingQueueIndex1799200002000',
    [`CREATE INDEX routed_tickets_queue ON ${tickets} ((urgency = 'urgent') DESC, received_at, ticket_id) WHERE waiting_for IS NOT NULL`],
    [`DROP INDEX ${qualified(schema, 'routed_tickets_queue')}`],
  );
}
