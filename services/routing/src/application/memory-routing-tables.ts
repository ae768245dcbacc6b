import { PendingChange } from '@support/command-handling';
import { Scenario, Tier } from '@support/contracts';
import { queueOrder } from '../domain';
import type { RosterEntry } from '../persistence/roster.repository';
import type { RoutedTicket } from '../persistence/routed-tickets.repository';
import { DecisionToAppend, RoutingTables, SavedMember } from './routing-tables';

/**
 * Routing's tables in memory, for a what-if replay: each method does what its PostgreSQL counterpart's SQL
 * does (persistence/*.repository.ts, and the trigger that keeps each member's open-ticket count), values
 * round-tripped as the database would (instants normalised to ISO UTC, JSON copied), so the rounds over
 * them decide what they decide live. Appended decisions are kept in order in {@link decisions}.
 */
export class MemoryRoutingTables implements RoutingTables {
  private readonly members = new Map<string, RosterEntry>();
  private readonly tickets = new Map<string, RoutedTicket>();
  /** the tickets waiting for something (waiting_for not null), kept apart so a round never scans them all */
  private readonly queued = new Map<string, RoutedTicket>();
  private readonly scenarios = new Map<string, { faultCategory: string; fixed: boolean; version: number }>();
  /** every decision appended, in the order appended */
  readonly decisions: DecisionToAppend[] = [];

  lockRounds(): Promise<void> {
    return Promise.resolve();
  }

  roster(): Promise<RosterEntry[]> {
    return Promise.resolve([...this.members.values()].map(copyMember));
  }

  saveMember(member: SavedMember): Promise<void> {
    const existing = this.members.get(member.memberId);
    const profile = { name: member.name, tier: member.tier, skills: [...member.skills], scenarios: [...member.scenarios], capacity: member.capacity };
    if (existing) Object.assign(existing, profile, { onDuty: member.onDuty, version: member.version });
    else {
      let open = 0;
      for (const ticket of this.tickets.values()) if (ticket.status === 'open' && ticket.assigneeId === member.memberId) open++;
      this.members.set(member.memberId, {
        memberId: member.memberId,
        role: member.role,
        ...profile,
        onDuty: member.onDuty,
        version: member.version,
        openTickets: open,
        assignedCount: 0,
      });
    }
    return Promise.resolve();
  }

  noteAssignment(memberId: string, at: Date): Promise<void> {
    const member = this.members.get(memberId);
    if (member) {
      member.assignedCount += 1;
      member.lastAssignedAt = at.toISOString();
    }
    return Promise.resolve();
  }

  ticket(ticketId: string): Promise<RoutedTicket | null> {
    const ticket = this.tickets.get(ticketId);
    return Promise.resolve(ticket ? copyTicket(ticket) : null);
  }

  waiting(): Promise<RoutedTicket[]> {
    return Promise.resolve([...this.queued.values()].sort(queueOrder).map(copyTicket));
  }

  received(ticket: Pick<RoutedTicket, 'ticketId' | 'urgency' | 'receivedAt' | 'triage'>): Promise<void> {
    if (!this.tickets.has(ticket.ticketId)) {
      this.write(ticket.ticketId, {
        ticketId: ticket.ticketId,
        urgency: ticket.urgency,
        receivedAt: new Date(ticket.receivedAt).toISOString(),
        triage: JSON.parse(JSON.stringify(ticket.triage)) as RoutedTicket['triage'],
        status: 'waiting',
        waitingFor: 'assignment',
      });
    }
    return Promise.resolve();
  }

  assign(ticketId: string, assigneeId: string, tier: Tier): Promise<void> {
    this.update(ticketId, (t) => {
      const { waitingFor: _w, escalationReason: _r, ...rest } = t;
      return { ...rest, status: 'open', assigneeId, tier };
    });
    return Promise.resolve();
  }

  waitForEscalation(ticketId: string, reason: string): Promise<void> {
    this.update(ticketId, (t) => ({ ...t, waitingFor: 'escalation', escalationReason: reason }));
    return Promise.resolve();
  }

  done(ticketId: string): Promise<void> {
    this.update(ticketId, (t) => {
      const { waitingFor: _w, ...rest } = t;
      return { ...rest, status: 'done' };
    });
    return Promise.resolve();
  }

  reopen(ticketId: string): Promise<void> {
    this.update(ticketId, (t) => {
      const { waitingFor: _w, ...rest } = t;
      return t.assigneeId === undefined ? { ...rest, status: 'waiting', waitingFor: 'assignment' } : { ...rest, status: 'open' };
    });
    return Promise.resolve();
  }

  fixedness(scenarioIds: readonly string[]): Promise<Map<string, boolean>> {
    const known = new Map<string, boolean>();
    for (const id of scenarioIds) {
      const scenario = this.scenarios.get(id);
      if (scenario) known.set(id, scenario.fixed);
    }
    return Promise.resolve(known);
  }

  scenarioVersion(scenarioId: string): Promise<number | undefined> {
    return Promise.resolve(this.scenarios.get(scenarioId)?.version);
  }

  saveScenario(scenario: Pick<Scenario, 'scenarioId' | 'faultCategory' | 'fixed'>, version: number): Promise<void> {
    const held = this.scenarios.get(scenario.scenarioId);
    if (!held || held.version <= version) this.scenarios.set(scenario.scenarioId, { faultCategory: scenario.faultCategory, fixed: scenario.fixed, version });
    return Promise.resolve();
  }

  appendDecisions(decisions: readonly DecisionToAppend[], _alsoAppend: ReadonlyArray<PendingChange<unknown>>): Promise<{ ok: boolean }> {
    // grouped by ticket as the live append groups them (the order of one ticket's decisions is what counts)
    const byTicket = new Map<string, DecisionToAppend[]>();
    for (const decision of decisions) byTicket.set(decision.ticketId, [...(byTicket.get(decision.ticketId) ?? []), decision]);
    for (const group of byTicket.values()) this.decisions.push(...group);
    return Promise.resolve({ ok: true });
  }

  /** an UPDATE of one ticket row (none when it does not exist) */
  private update(ticketId: string, change: (ticket: RoutedTicket) => RoutedTicket): void {
    const ticket = this.tickets.get(ticketId);
    if (ticket) this.write(ticketId, change(ticket));
  }

  /** a row written, with what the open-ticket trigger does (open-ticket-counts.migration.ts) */
  private write(ticketId: string, next: RoutedTicket): void {
    const before = this.tickets.get(ticketId);
    if (!before || before.status !== next.status || before.assigneeId !== next.assigneeId) {
      if (before && before.status === 'open' && before.assigneeId !== undefined) this.countOpen(before.assigneeId, -1);
      if (next.status === 'open' && next.assigneeId !== undefined) this.countOpen(next.assigneeId, +1);
    }
    this.tickets.set(ticketId, next);
    if (next.waitingFor !== undefined) this.queued.set(ticketId, next);
    else this.queued.delete(ticketId);
  }

  private countOpen(memberId: string, by: number): void {
    const member = this.members.get(memberId);
    if (member) member.openTickets += by;
  }
}

const copyMember = (m: RosterEntry): RosterEntry => ({ ...m, skills: [...m.skills], scenarios: [...m.scenarios] });

const copyTicket = (t: RoutedTicket): RoutedTicket => ({ ...t, triage: { ...t.triage } });
