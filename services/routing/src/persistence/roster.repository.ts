import { EntityManager } from 'typeorm';
import { MemberRole, Tier } from '@support/contracts';
import { qualified, SqlExecutor } from '@support/event-store';
import { cursorShape, Page, pageOf, PageRequest, rowsToRead, SortKey } from '@support/service-kit';

/** A member as routing weighs them: profile, duty, and the open work it counts. */
export interface RosterEntry {
  memberId: string;
  role: MemberRole;
  name: string;
  tier: Tier;
  skills: string[];
  scenarios: string[];
  capacity: number;
  onDuty: boolean;
  version: number;
  openTickets: number;
  assignedCount: number;
  lastAssignedAt?: string;
}

interface MemberRow {
  member_id: string;
  role: MemberRole;
  name: string;
  tier: Tier;
  skills: string[];
  scenarios: string[];
  capacity: number;
  on_duty: boolean;
  version: number;
  assigned_count: number;
  last_assigned_at: Date | null;
  open_tickets: number;
}

/** The roster list's sort key: by member id. */
export const MEMBER_CURSOR = cursorShape({ memberId: 'text' });
export type MemberCursor = SortKey<typeof MEMBER_CURSOR>;

export class RosterRepository {
  private readonly members: string;
  private readonly tickets: string;

  constructor(schema: string) {
    this.members = qualified(schema, 'members');
    this.tickets = qualified(schema, 'routed_tickets');
  }

  async all(executor: SqlExecutor): Promise<RosterEntry[]> {
    const rows: MemberRow[] = await executor.query(`${this.select()} ORDER BY m.member_id`);
    return rows.map(toEntry);
  }

  /** a page of the roster, by member id */
  async page(executor: SqlExecutor, page: PageRequest<MemberCursor>): Promise<Page<RosterEntry>> {
    const rows: MemberRow[] = await executor.query(`${this.select()} WHERE ($1::text IS NULL OR m.member_id > $1) ORDER BY m.member_id LIMIT $2`, [
      page.after?.memberId ?? null,
      rowsToRead(page),
    ]);
    return pageOf(rows.map(toEntry), page, (entry) => ({ memberId: entry.memberId }));
  }

  async get(executor: SqlExecutor, memberId: string): Promise<RosterEntry | null> {
    const rows: MemberRow[] = await executor.query(`${this.select()} WHERE m.member_id = $1`, [memberId]);
    return rows[0] ? toEntry(rows[0]) : null;
  }

  /** a member new to the roster starts with the open tickets routing already knows them to hold */
  async save(manager: EntityManager, entry: Omit<RosterEntry, 'openTickets' | 'assignedCount' | 'lastAssignedAt'>): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.members} (member_id, role, name, tier, skills, scenarios, capacity, on_duty, version, open_tickets)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, (SELECT count(*)::int FROM ${this.tickets} WHERE status = 'open' AND assignee_id = $1))
       ON CONFLICT (member_id) DO UPDATE SET name = EXCLUDED.name, tier = EXCLUDED.tier, skills = EXCLUDED.skills,
         scenarios = EXCLUDED.scenarios, capacity = EXCLUDED.capacity, on_duty = EXCLUDED.on_duty, version = EXCLUDED.version`,
      [entry.memberId, entry.role, entry.name, entry.tier, JSON.stringify(entry.skills), JSON.stringify(entry.scenarios), entry.capacity, entry.onDuty, entry.version],
    );
  }

  /** the fairness tie-break: who got work least recently */
  async noteAssignment(manager: EntityManager, memberId: string, at: Date): Promise<void> {
    await manager.query(`UPDATE ${this.members} SET assigned_count = assigned_count + 1, last_assigned_at = $2 WHERE member_id = $1`, [memberId, at]);
  }

  /** a member's open tickets are a counter the routed tickets' trigger keeps (open-ticket-counts.migration.ts) */
  private select(): string {
    return `SELECT m.* FROM ${this.members} m`;
  }
}

function toEntry(row: MemberRow): RosterEntry {
  return {
    memberId: row.member_id,
    role: row.role,
    name: row.name,
    tier: row.tier,
    skills: row.skills,
    scenarios: row.scenarios,
    capacity: row.capacity,
    onDuty: row.on_duty,
    version: row.version,
    openTickets: row.open_tickets,
    assignedCount: row.assigned_count,
    ...(row.last_assigned_at ? { lastAssignedAt: row.last_assigned_at.toISOString() } : {}),
  };
}
