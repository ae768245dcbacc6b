import { EntityManager } from 'typeorm';
import { qualified, SqlExecutor } from '@support/event-store';

/** What the knowledge base knows of a ticket: its diagnosed scenario, the SOP it was resolved with, who works it. */
export interface TicketKnowledge {
  ticketId: string;
  scenarioId?: string;
  faultCategory?: string;
  sopArticleId?: string;
  resolved: boolean;
  assignee?: { id: string; role: string };
}

/** KCS figures: how often resolutions link an SOP, and how often each article is reused. */
export interface KcsFigures {
  resolved: number;
  resolvedWithSop: number;
  resolvedWithoutSop: number;
  sopLinkRate: number | null;
  reuse: Array<{ articleId: string; resolutions: number; cases: number }>;
}

export class TicketKnowledgeRepository {
  private readonly tickets: string;
  private readonly cases: string;

  constructor(schema: string) {
    this.tickets = qualified(schema, 'ticket_knowledge');
    this.cases = qualified(schema, 'cases');
  }

  async find(executor: SqlExecutor, ticketId: string): Promise<TicketKnowledge | undefined> {
    const rows = await executor.query(`SELECT * FROM ${this.tickets} WHERE ticket_id = $1`, [ticketId]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      ticketId: row.ticket_id,
      resolved: row.resolved,
      ...(row.scenario_id ? { scenarioId: row.scenario_id } : {}),
      ...(row.fault_category ? { faultCategory: row.fault_category } : {}),
      ...(row.sop_article_id ? { sopArticleId: row.sop_article_id } : {}),
      ...(row.assignee_id ? { assignee: { id: row.assignee_id, role: row.assignee_role } } : {}),
    };
  }

  /** the ticket's current assignee (assigned, dispatched to a contractor, escalated): the last one wins */
  async assigned(manager: EntityManager, ticketId: string, assignee: { id: string; role: string }): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.tickets} (ticket_id, assignee_id, assignee_role) VALUES ($1, $2, $3)
       ON CONFLICT (ticket_id) DO UPDATE SET assignee_id = EXCLUDED.assignee_id, assignee_role = EXCLUDED.assignee_role`,
      [ticketId, assignee.id, assignee.role],
    );
  }

  async diagnosed(manager: EntityManager, ticketId: string, scenarioId: string, faultCategory: string): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.tickets} (ticket_id, scenario_id, fault_category) VALUES ($1, $2, $3)
       ON CONFLICT (ticket_id) DO UPDATE SET scenario_id = EXCLUDED.scenario_id, fault_category = EXCLUDED.fault_category`,
      [ticketId, scenarioId, faultCategory],
    );
  }

  /** a resolution, with the SOP it followed or none (a later resolution after a reopen replaces it) */
  async resolved(manager: EntityManager, ticketId: string, sopArticleId: string | undefined): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.tickets} (ticket_id, sop_article_id, resolved) VALUES ($1, $2, true)
       ON CONFLICT (ticket_id) DO UPDATE SET sop_article_id = EXCLUDED.sop_article_id, resolved = true`,
      [ticketId, sopArticleId ?? null],
    );
  }

  async reopened(manager: EntityManager, ticketId: string): Promise<void> {
    await manager.query(`UPDATE ${this.tickets} SET resolved = false WHERE ticket_id = $1`, [ticketId]);
  }

  async kcs(executor: SqlExecutor): Promise<KcsFigures> {
    const [totals] = await executor.query(
      `SELECT count(*) FILTER (WHERE resolved)::int AS resolved, count(*) FILTER (WHERE resolved AND sop_article_id IS NOT NULL)::int AS with_sop FROM ${this.tickets}`,
    );
    const reuse = await executor.query(
      `SELECT article_id, sum(resolutions)::int AS resolutions, sum(cases)::int AS cases FROM (
         SELECT sop_article_id AS article_id, count(*) AS resolutions, 0 AS cases FROM ${this.tickets} WHERE resolved AND sop_article_id IS NOT NULL GROUP BY 1
         UNION ALL
         SELECT sop_article_id, 0, count(*) FROM ${this.cases} WHERE sop_article_id IS NOT NULL GROUP BY 1
       ) uses GROUP BY article_id ORDER BY sum(resolutions) + sum(cases) DESC, article_id`,
    );
    return {
      resolved: totals.resolved,
      resolvedWithSop: totals.with_sop,
      resolvedWithoutSop: totals.resolved - totals.with_sop,
      sopLinkRate: totals.resolved === 0 ? null : totals.with_sop / totals.resolved,
      reuse: reuse.map((row: { article_id: string; resolutions: number; cases: number }) => ({ articleId: row.article_id, resolutions: row.resolutions, cases: row.cases })),
    };
  }
}
