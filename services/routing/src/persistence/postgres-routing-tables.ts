import { EntityManager } from 'typeorm';
import { AppendPipeline, commitChanges, PendingChange, unversionedChange } from '@support/command-handling';
import { NewEvent, Scenario, Tier } from '@support/contracts';
import type { DecisionToAppend, RoutingTables, SavedMember } from '../application/routing-tables';
import { RosterEntry, RosterRepository } from './roster.repository';
import { RoutedTicket, RoutedTicketsRepository } from './routed-tickets.repository';
import { ScenarioCatalogueRepository } from './scenario-catalogue.repository';

/** what the live tables are made of: routing's repositories, its append pipeline and its round lock */
export interface PostgresRoutingParts {
  rosterRepository: RosterRepository;
  ticketRepository: RoutedTicketsRepository;
  scenarioRepository: ScenarioCatalogueRepository;
  pipeline: AppendPipeline;
  lockRounds(manager: EntityManager): Promise<void>;
}

/** routing's tables in PostgreSQL, in one transaction (`manager`): what the live engine reads and writes */
export class PostgresRoutingTables implements RoutingTables {
  constructor(
    private readonly manager: EntityManager,
    private readonly parts: PostgresRoutingParts,
  ) {}

  lockRounds(): Promise<void> {
    return this.parts.lockRounds(this.manager);
  }

  roster(): Promise<RosterEntry[]> {
    return this.parts.rosterRepository.all(this.manager);
  }

  saveMember(member: SavedMember): Promise<void> {
    return this.parts.rosterRepository.save(this.manager, member);
  }

  noteAssignment(memberId: string, at: Date): Promise<void> {
    return this.parts.rosterRepository.noteAssignment(this.manager, memberId, at);
  }

  ticket(ticketId: string): Promise<RoutedTicket | null> {
    return this.parts.ticketRepository.get(this.manager, ticketId);
  }

  waiting(): Promise<RoutedTicket[]> {
    return this.parts.ticketRepository.waiting(this.manager);
  }

  received(ticket: Pick<RoutedTicket, 'ticketId' | 'urgency' | 'receivedAt' | 'triage'>): Promise<void> {
    return this.parts.ticketRepository.received(this.manager, ticket);
  }

  assign(ticketId: string, assigneeId: string, tier: Tier): Promise<void> {
    return this.parts.ticketRepository.assign(this.manager, ticketId, assigneeId, tier);
  }

  waitForEscalation(ticketId: string, reason: string): Promise<void> {
    return this.parts.ticketRepository.waitForEscalation(this.manager, ticketId, reason);
  }

  done(ticketId: string): Promise<void> {
    return this.parts.ticketRepository.done(this.manager, ticketId);
  }

  reopen(ticketId: string): Promise<void> {
    return this.parts.ticketRepository.reopen(this.manager, ticketId);
  }

  fixedness(scenarioIds: readonly string[]): Promise<Map<string, boolean>> {
    return this.parts.scenarioRepository.fixedness(this.manager, scenarioIds);
  }

  scenarioVersion(scenarioId: string): Promise<number | undefined> {
    return this.parts.scenarioRepository.versionOf(this.manager, scenarioId);
  }

  saveScenario(scenario: Pick<Scenario, 'scenarioId' | 'faultCategory' | 'fixed'>, version: number): Promise<void> {
    return this.parts.scenarioRepository.save(this.manager, scenario, version);
  }

  /** each ticket's decisions on its own stream (whatever its version), in one statement batch */
  async appendDecisions(decisions: readonly DecisionToAppend[], alsoAppend: ReadonlyArray<PendingChange<unknown>>): Promise<{ ok: boolean }> {
    const byTicket = new Map<string, NewEvent[]>();
    for (const { ticketId, envelope } of decisions) byTicket.set(ticketId, [...(byTicket.get(ticketId) ?? []), envelope]);
    const changes = [...byTicket].map(([ticketId, events]) => unversionedChange(ROUTING_STREAM, ticketId, events));
    const committed = await commitChanges<unknown>(this.manager, this.parts.pipeline, [...alsoAppend, ...changes]);
    return { ok: committed.ok };
  }
}

/** the stream type of routing's decisions, one stream per ticket */
export const ROUTING_STREAM = 'ticket-routing';
