import { EntityManager } from 'typeorm';
import { Jsonified } from '@support/contracts';
import { qualified, SqlExecutor } from '@support/event-store';
import { cursorShape, Page, pageOf, PageRequest, rowsToRead, SortKey } from '@support/service-kit';
import { Lead, LedgerBooking, LeadPolicy, PoolMember, WeeklyAllocations } from '../domain';

/** A contact's digests (the blind index of ContactIndex): the leads table keeps these, never the values. */
export interface ContactDigests {
  phone?: Buffer;
  wechat?: Buffer;
}

export type LeadView = Jsonified<Lead> & { version: number; ticketId?: string };

export type { PoolMember } from '../domain';

/** The leads list's sort key: newest captured first (captured_seq, an int8, as a decimal string). */
export const LEAD_CURSOR = cursorShape({ capturedSeq: 'bigint' });
/** The hoarding flags' sort key: by lead, then ticket. */
export const FLAG_CURSOR = cursorShape({ leadId: 'uuid', ticketId: 'uuid' });

export interface HoardingFlag {
  leadId: string;
  ticketId: string;
  memberId: string;
  leadStatus: string;
}

/** A lead's row as {@link LeadPoolRepository.saveLeads} writes it: see {@link LeadPoolRepository.saveLead}. */
export interface SavedLead {
  lead: Lead;
  version: number;
  at: Date;
  contact?: ContactDigests;
}

/** how a member's line in a week's ledger moves */
export interface LedgerChange {
  contributed?: number;
  received?: number;
}

/** Whose leads: a member's own (brought in, allocated to them, or accepted by them); every lead when `member` is left out. */
export interface LeadScope {
  member?: string;
}

// SQL: the lead's personal data was erased (it is found by no contact and handed to nobody); `row`: whose state, when it must be named
const ERASED_IN = (row?: string) => `coalesce((${row ? `${row}.` : ''}state->>'erased')::boolean, false)`;
const ERASED_LEAD = ERASED_IN();

// SQL: the lead is the member's in `param` (always true when it is null)
const MEMBERS_OWN = (param: string) => `(${param}::text IS NULL OR source_member = ${param} OR allocated_to = ${param} OR state->>'acceptedBy' = ${param})`;

/** The lead pool's read models; every write runs in the transaction of the change it records. */
export class LeadPoolRepository {
  private readonly leadsTable: string;
  private readonly policyTable: string;
  private readonly countsTable: string;
  private readonly membersTable: string;
  private readonly ledgerTable: string;
  private readonly ledgerAllocationsTable: string;
  private readonly flagsTable: string;

  constructor(schema: string) {
    this.leadsTable = qualified(schema, 'leads');
    this.policyTable = qualified(schema, 'policy');
    this.countsTable = qualified(schema, 'allocation_counts');
    this.membersTable = qualified(schema, 'members');
    this.ledgerTable = qualified(schema, 'ledger');
    this.ledgerAllocationsTable = qualified(schema, 'ledger_allocations');
    this.flagsTable = qualified(schema, 'hoarding_flags');
  }

  /**
   * `at`: when the change happened, kept as the time a lead entered the pool (captured, or returned).
   * `contact`: the digests of a lead just captured (its contact never changes); an erased lead's go.
   */
  async saveLead(manager: EntityManager, lead: Lead, version: number, at: Date, contact?: ContactDigests): Promise<void> {
    await this.saveLeads(manager, [{ lead, version, at, contact }]);
  }

  /** {@link saveLead} for several leads (each at most once) in one statement */
  async saveLeads(manager: EntityManager, saved: ReadonlyArray<SavedLead>): Promise<void> {
    if (saved.length === 0) return;
    const column = <T>(value: (s: SavedLead) => T) => saved.map(value);
    await manager.query(
      `INSERT INTO ${this.leadsTable} AS l (lead_id, status, phone_index, wechat_index, contact_indexed, source_member, allocated_to, accept_by, state, version, pooled_since)
       SELECT lead_id, status, phone_index, wechat_index, contact_indexed, source_member, allocated_to, accept_by, state, version, pooled_since
         FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::bytea[], $5::boolean[], $6::text[], $7::text[], $8::timestamptz[], $9::jsonb[], $10::int[], $11::timestamptz[])
           AS s(lead_id, status, phone_index, wechat_index, contact_indexed, source_member, allocated_to, accept_by, state, version, pooled_since)
       ON CONFLICT (lead_id) DO UPDATE SET status = EXCLUDED.status, allocated_to = EXCLUDED.allocated_to, accept_by = EXCLUDED.accept_by,
         state = EXCLUDED.state, version = EXCLUDED.version,
         phone_index = CASE WHEN ${ERASED_IN('EXCLUDED')} THEN NULL ELSE l.phone_index END, wechat_index = CASE WHEN ${ERASED_IN('EXCLUDED')} THEN NULL ELSE l.wechat_index END,
         pooled_since = CASE WHEN EXCLUDED.status <> 'pooled' THEN NULL WHEN l.status = 'pooled' THEN l.pooled_since ELSE EXCLUDED.pooled_since END`,
      [
        column(({ lead }) => lead.leadId),
        column(({ lead }) => lead.status),
        column(({ lead, contact }) => (!lead.erased && contact?.phone) || null),
        column(({ lead, contact }) => (!lead.erased && contact?.wechat) || null),
        column(({ contact }) => contact !== undefined),
        column(({ lead }) => lead.source.memberId),
        column(({ lead }) => (lead.status === 'allocated' ? (lead.allocatedTo ?? null) : null)),
        column(({ lead }) => (lead.status === 'allocated' ? (lead.acceptBy ?? null) : null)),
        column(({ lead }) => JSON.stringify(lead)),
        column(({ version }) => version),
        column(({ lead, at }) => (lead.status === 'pooled' ? at : null)),
      ],
    );
  }

  /** leads stored before the contact index (see contactIndexMigration), with their contact as stored */
  async unindexedContacts(executor: SqlExecutor, limit: number): Promise<Array<{ leadId: string; contact: Record<string, unknown> }>> {
    const rows = await executor.query(
      `SELECT lead_id, state->'contact' AS contact FROM ${this.leadsTable} WHERE NOT contact_indexed ORDER BY lead_id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((row: { lead_id: string; contact: Record<string, unknown> | null }) => ({ leadId: row.lead_id, contact: row.contact ?? {} }));
  }

  async indexContact(manager: EntityManager, leadId: string, contact: ContactDigests): Promise<void> {
    await manager.query(`UPDATE ${this.leadsTable} SET phone_index = $2, wechat_index = $3, contact_indexed = true WHERE lead_id = $1`, [
      leadId,
      contact.phone ?? null,
      contact.wechat ?? null,
    ]);
  }

  /** the lead, or nothing when there is none or `member` (when given) neither brought it in nor holds it */
  async lead(executor: SqlExecutor, leadId: string, scope: LeadScope = {}): Promise<LeadView | undefined> {
    const rows = await executor.query(`SELECT state, version, ticket_id FROM ${this.leadsTable} WHERE lead_id = $1 AND ${MEMBERS_OWN('$2')}`, [leadId, scope.member ?? null]);
    return rows[0] && { ...rows[0].state, version: rows[0].version, ...(rows[0].ticket_id ? { ticketId: rows[0].ticket_id } : {}) };
  }

  /** leads a member brought in or holds (all of them for a lead or analyst: member undefined) */
  async findLeads(executor: SqlExecutor, filter: { status?: string } & LeadScope, page: PageRequest<SortKey<typeof LEAD_CURSOR>>): Promise<Page<LeadView>> {
    const rows: Array<{ state: LeadView; version: number; ticket_id: string | null; captured_seq: string }> = await executor.query(
      `SELECT state, version, ticket_id, captured_seq FROM ${this.leadsTable}
        WHERE ($1::text IS NULL OR status = $1) AND ${MEMBERS_OWN('$2')} AND ($3::bigint IS NULL OR captured_seq < $3::bigint)
        ORDER BY captured_seq DESC LIMIT $4`,
      [filter.status ?? null, filter.member ?? null, page.after?.capturedSeq ?? null, rowsToRead(page)],
    );
    const leads = rows.map((row) => ({
      capturedSeq: String(row.captured_seq),
      view: { ...row.state, version: row.version, ...(row.ticket_id ? { ticketId: row.ticket_id } : {}) },
    }));
    const shown = pageOf(leads, page, (lead) => ({ capturedSeq: lead.capturedSeq }));
    return { items: shown.items.map((lead) => lead.view), nextCursor: shown.nextCursor };
  }

  /** the open lead (not converted or lost) with this phone or WeChat id (by digest), first captured first */
  async openLeadByContact(executor: SqlExecutor, contact: ContactDigests): Promise<{ leadId: string; status: string } | undefined> {
    return (await this.openLeadsByContacts(executor, [contact]))[0];
  }

  /** {@link openLeadByContact} for several contacts in one query, in their order */
  async openLeadsByContacts(executor: SqlExecutor, contacts: readonly ContactDigests[]): Promise<Array<{ leadId: string; status: string } | undefined>> {
    if (contacts.length === 0) return [];
    // per contact, each kind by its own index (an OR of the two would let the planner walk captured_seq instead)
    const rows: Array<{ i: string; lead_id: string; status: string }> = await executor.query(
      `SELECT c.i, l.lead_id, l.status
         FROM unnest($1::bytea[], $2::bytea[]) WITH ORDINALITY AS c(phone, wechat, i)
         CROSS JOIN LATERAL (
           SELECT lead_id, status, captured_seq FROM (
             (SELECT lead_id, status, captured_seq FROM ${this.leadsTable} WHERE phone_index = c.phone AND status NOT IN ('converted', 'lost') ORDER BY captured_seq LIMIT 1)
             UNION ALL
             (SELECT lead_id, status, captured_seq FROM ${this.leadsTable} WHERE wechat_index = c.wechat AND status NOT IN ('converted', 'lost') ORDER BY captured_seq LIMIT 1)
           ) found ORDER BY captured_seq LIMIT 1) l`,
      [contacts.map((c) => c.phone ?? null), contacts.map((c) => c.wechat ?? null)],
    );
    const found = new Map(rows.map((row) => [Number(row.i) - 1, { leadId: row.lead_id, status: row.status }]));
    return contacts.map((_, index) => found.get(index));
  }

  /** leads held by a member without being accepted (pooled ones have no holder), for the hoarding check */
  async heldLeadsByContact(executor: SqlExecutor, contact: ContactDigests): Promise<Array<{ leadId: string }>> {
    const rows = await executor.query(`SELECT lead_id FROM ${this.leadsTable} WHERE status IN ('pooled', 'allocated') AND (phone_index = $1 OR wechat_index = $2)`, [
      contact.phone ?? null,
      contact.wechat ?? null,
    ]);
    return rows.map((row: { lead_id: string }) => ({ leadId: row.lead_id }));
  }

  /** the leads that became one of these tickets, or were flagged for one (their contact is the ticket's customer's) */
  async leadIdsOfTickets(executor: SqlExecutor, ticketIds: readonly string[]): Promise<string[]> {
    if (ticketIds.length === 0) return [];
    const rows = await executor.query(
      `SELECT lead_id FROM ${this.leadsTable} WHERE ticket_id = ANY($1::uuid[]) UNION SELECT lead_id FROM ${this.flagsTable} WHERE ticket_id = ANY($1::uuid[]) ORDER BY lead_id`,
      [ticketIds],
    );
    return rows.map((row: { lead_id: string }) => row.lead_id);
  }

  /**
   * Pooled leads, oldest first, that one of `eligible` may take (not every one of them declined it),
   * with who declined each: leads nobody eligible can take are not read at all.
   */
  async allocatableLeads(executor: SqlExecutor, eligible: readonly string[], limit: number): Promise<Array<{ leadId: string; declinedBy: string[] }>> {
    if (eligible.length === 0) return [];
    const rows = await executor.query(
      `SELECT lead_id, state->'declinedBy' AS declined_by FROM ${this.leadsTable}
        WHERE status = 'pooled' AND NOT ${ERASED_LEAD} AND NOT (coalesce(state->'declinedBy', '[]'::jsonb) @> to_jsonb($1::text[]))
        ORDER BY captured_seq LIMIT $2`,
      [eligible, limit],
    );
    return rows.map((row: { lead_id: string; declined_by: string[] | null }) => ({ leadId: row.lead_id, declinedBy: row.declined_by ?? [] }));
  }

  /** how many leads wait in the pool, and since when the one waiting longest has */
  async poolWaiting(executor: SqlExecutor): Promise<{ waiting: number; oldestSince: Date | null }> {
    const [row] = await executor.query(`SELECT count(*)::int AS waiting, min(pooled_since) AS oldest FROM ${this.leadsTable} WHERE status = 'pooled' AND NOT ${ERASED_LEAD}`);
    return { waiting: row.waiting, oldestSince: row.oldest ? new Date(row.oldest) : null };
  }

  async expiredLeadIds(executor: SqlExecutor, at: Date, limit: number): Promise<string[]> {
    const rows = await executor.query(`SELECT lead_id FROM ${this.leadsTable} WHERE status = 'allocated' AND accept_by <= $1 ORDER BY accept_by LIMIT $2`, [at, limit]);
    return rows.map((row: { lead_id: string }) => row.lead_id);
  }

  /** the conversion event intake's ticket will name as its cause */
  async markConverted(manager: EntityManager, leadId: string, convertedEventId: string): Promise<void> {
    await manager.query(`UPDATE ${this.leadsTable} SET converted_event_id = $2 WHERE lead_id = $1`, [leadId, convertedEventId]);
  }

  async linkTicket(manager: EntityManager, convertedEventId: string, ticketId: string): Promise<void> {
    await manager.query(`UPDATE ${this.leadsTable} SET ticket_id = $2 WHERE converted_event_id = $1`, [convertedEventId, ticketId]);
  }

  async savePolicy(manager: EntityManager, policy: LeadPolicy, version: number): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.policyTable} (policy_id, state, version) VALUES ($1, $2, $3) ON CONFLICT (policy_id) DO UPDATE SET state = EXCLUDED.state, version = EXCLUDED.version`,
      [policy.policyId, JSON.stringify(policy), version],
    );
  }

  async policyView(executor: SqlExecutor, policyId: string): Promise<(Jsonified<LeadPolicy> & { version: number }) | undefined> {
    const rows = await executor.query(`SELECT state, version FROM ${this.policyTable} WHERE policy_id = $1`, [policyId]);
    return rows[0] && { ...rows[0].state, version: rows[0].version };
  }

  /** what an allocation decides on, read in one query: the ratios in force, the roster, and each member's count under those ratios */
  async allocationInputs(
    executor: SqlExecutor,
    policyId: string,
  ): Promise<{ policy: Jsonified<LeadPolicy> & { version: number }; roster: PoolMember[]; counts: Map<string, number> } | undefined> {
    const [row] = await executor.query(
      `SELECT p.state, p.version,
              (SELECT coalesce(jsonb_agg(jsonb_build_object('memberId', member_id, 'role', role, 'onDuty', on_duty)), '[]'::jsonb) FROM ${this.membersTable}) AS roster,
              (SELECT coalesce(jsonb_object_agg(member_id, received), '{}'::jsonb) FROM ${this.countsTable} WHERE policy_version = (p.state->>'policyVersion')::int) AS counts
         FROM ${this.policyTable} p WHERE p.policy_id = $1`,
      [policyId],
    );
    if (!row) return undefined;
    return { policy: { ...row.state, version: row.version }, roster: row.roster, counts: new Map(Object.entries(row.counts as Record<string, number>)) };
  }

  async addCount(manager: EntityManager, policyVersion: number, memberId: string, delta: number): Promise<void> {
    await this.addCounts(manager, policyVersion, new Map([[memberId, delta]]));
  }

  /** each member's count under one version of the ratios moved by its delta, in one statement */
  async addCounts(manager: EntityManager, policyVersion: number, deltas: ReadonlyMap<string, number>): Promise<void> {
    if (deltas.size === 0) return;
    await manager.query(
      `INSERT INTO ${this.countsTable} (policy_version, member_id, received) SELECT $1, member_id, received FROM unnest($2::text[], $3::int[]) AS d(member_id, received)
       ON CONFLICT (policy_version, member_id) DO UPDATE SET received = ${this.countsTable}.received + EXCLUDED.received`,
      [policyVersion, [...deltas.keys()], [...deltas.values()]],
    );
  }

  async members(executor: SqlExecutor): Promise<PoolMember[]> {
    const rows = await executor.query(`SELECT member_id, role, on_duty FROM ${this.membersTable}`);
    return rows.map((row: { member_id: string; role: string; on_duty: boolean }) => ({ memberId: row.member_id, role: row.role, onDuty: row.on_duty }));
  }

  async member(executor: SqlExecutor, memberId: string): Promise<PoolMember | undefined> {
    return (await this.members(executor)).find((m) => m.memberId === memberId);
  }

  async saveMember(manager: EntityManager, member: Partial<PoolMember> & { memberId: string }): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.membersTable} (member_id, role, on_duty) VALUES ($1, coalesce($2, 'agent'), coalesce($3, false))
       ON CONFLICT (member_id) DO UPDATE SET role = coalesce($2, ${this.membersTable}.role), on_duty = coalesce($3, ${this.membersTable}.on_duty)`,
      [member.memberId, member.role ?? null, member.onDuty ?? null],
    );
  }

  async addToLedger(manager: EntityManager, week: string, memberId: string, change: LedgerChange): Promise<void> {
    await this.addToLedgerAll(manager, week, new Map([[memberId, change]]));
  }

  /** several members' lines of one week moved, in one statement */
  async addToLedgerAll(manager: EntityManager, week: string, changes: ReadonlyMap<string, LedgerChange>): Promise<void> {
    if (changes.size === 0) return;
    // rows locked in one order by every writer: two groups never wait for each other's rows
    const members = [...changes.keys()].sort();
    await manager.query(
      `INSERT INTO ${this.ledgerTable} (week, member_id, contributed, received) SELECT $1, * FROM unnest($2::text[], $3::int[], $4::int[])
       ON CONFLICT (week, member_id) DO UPDATE SET contributed = ${this.ledgerTable}.contributed + EXCLUDED.contributed, received = ${this.ledgerTable}.received + EXCLUDED.received`,
      [week, members, members.map((m) => changes.get(m)?.contributed ?? 0), members.map((m) => changes.get(m)?.received ?? 0)],
    );
  }

  async ledgerOf(executor: SqlExecutor, week: string): Promise<LedgerBooking[]> {
    const rows = await executor.query(`SELECT member_id, contributed, received FROM ${this.ledgerTable} WHERE week = $1 ORDER BY member_id`, [week]);
    return rows.map((row: { member_id: string; contributed: number; received: number }) => ({ memberId: row.member_id, contributed: row.contributed, received: row.received }));
  }

  /** allocations booked into a week per version of the ratios (negative for a return): what `expected` is made of */
  async addAllocations(manager: EntityManager, week: string, policyVersion: number, delta: number): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.ledgerAllocationsTable} (week, policy_version, allocations) VALUES ($1, $2, $3)
       ON CONFLICT (week, policy_version) DO UPDATE SET allocations = ${this.ledgerAllocationsTable}.allocations + EXCLUDED.allocations`,
      [week, policyVersion, delta],
    );
  }

  async allocationsOf(executor: SqlExecutor, week: string): Promise<WeeklyAllocations[]> {
    const rows = await executor.query(`SELECT policy_version, allocations FROM ${this.ledgerAllocationsTable} WHERE week = $1 ORDER BY policy_version`, [week]);
    return rows.map((row: { policy_version: number; allocations: number }) => ({ policyVersion: row.policy_version, allocations: row.allocations }));
  }

  async flag(manager: EntityManager, flag: { leadId: string; ticketId: string; memberId: string; leadStatus: string }): Promise<void> {
    await manager.query(`INSERT INTO ${this.flagsTable} (lead_id, ticket_id, member_id, lead_status) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
      flag.leadId,
      flag.ticketId,
      flag.memberId,
      flag.leadStatus,
    ]);
  }

  /** a page of hoarding flags by lead, then ticket */
  async flags(executor: SqlExecutor, page: PageRequest<SortKey<typeof FLAG_CURSOR>>): Promise<Page<HoardingFlag>> {
    const rows = await executor.query(
      `SELECT lead_id, ticket_id, member_id, lead_status FROM ${this.flagsTable}
        WHERE ($2::uuid IS NULL OR (lead_id, ticket_id) > ($1::uuid, $2::uuid))
        ORDER BY lead_id, ticket_id LIMIT $3`,
      [page.after?.leadId ?? null, page.after?.ticketId ?? null, rowsToRead(page)],
    );
    const flags = rows.map((row: { lead_id: string; ticket_id: string; member_id: string; lead_status: string }) => ({
      leadId: row.lead_id,
      ticketId: row.ticket_id,
      memberId: row.member_id,
      leadStatus: row.lead_status,
    }));
    return pageOf(flags, page, (flag) => ({ leadId: flag.leadId, ticketId: flag.ticketId }));
  }
}
