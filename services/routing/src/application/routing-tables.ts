import { PendingChange } from '@support/command-handling';
import { NewEvent, Scenario, Tier } from '@support/contracts';
import type { RosterEntry } from '../persistence/roster.repository';
import type { RoutedTicket } from '../persistence/routed-tickets.repository';

/** a member as a roster change saves them: the load columns are routing's own bookkeeping */
export type SavedMember = Omit<RosterEntry, 'openTickets' | 'assignedCount' | 'lastAssignedAt'>;

/** a decision of a round, with its envelope (cause and time), for the ticket it concerns */
export interface DecisionToAppend {
  ticketId: string;
  envelope: NewEvent;
}

/**
 * Routing's working tables as a round reads and writes them, within one transaction: PostgreSQL for the
 * live engine ({@link PostgresRoutingTables}), memory for a what-if replay ({@link MemoryRoutingTables}).
 * The rounds ({@link RoutingRounds}) are the same code over either, so a replay decides what the live
 * engine decides. Reads answer fresh copies: a round changes what it read in memory as it goes.
 */
export interface RoutingTables {
  /** rounds are serial: the lock is held to the end of the transaction */
  lockRounds(): Promise<void>;
  /** every member, with the open tickets, assignments and last assignment routing counts */
  roster(): Promise<RosterEntry[]>;
  /** a member new to the roster starts with the open tickets routing already knows them to hold */
  saveMember(member: SavedMember): Promise<void>;
  /** the fairness tie-break: who got work least recently */
  noteAssignment(memberId: string, at: Date): Promise<void>;

  ticket(ticketId: string): Promise<RoutedTicket | null>;
  /** the queue: tickets waiting for an assignee, or (still with theirs) for an escalation */
  waiting(): Promise<RoutedTicket[]>;
  received(ticket: Pick<RoutedTicket, 'ticketId' | 'urgency' | 'receivedAt' | 'triage'>): Promise<void>;
  assign(ticketId: string, assigneeId: string, tier: Tier): Promise<void>;
  waitForEscalation(ticketId: string, reason: string): Promise<void>;
  done(ticketId: string): Promise<void>;
  reopen(ticketId: string): Promise<void>;

  /** whether each of these scenarios is fixed; a scenario the catalogue does not list is absent */
  fixedness(scenarioIds: readonly string[]): Promise<Map<string, boolean>>;
  scenarioVersion(scenarioId: string): Promise<number | undefined>;
  saveScenario(scenario: Pick<Scenario, 'scenarioId' | 'faultCategory' | 'fixed'>, version: number): Promise<void>;

  /** appends a round's decisions (with `alsoAppend`, e.g. the roster change that caused them): all or none */
  appendDecisions(decisions: readonly DecisionToAppend[], alsoAppend: ReadonlyArray<PendingChange<unknown>>): Promise<{ ok: boolean }>;
}
