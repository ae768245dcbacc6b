import { DataSource } from 'typeorm';
import { Actor, RecordedEvent, Role } from '@support/contracts';
import { SqlExecutor } from '@support/event-store';
import { KnownTicketsRepository } from '../persistence/known-tickets.repository';
import { inScope } from './ticket-scope';

/** Where one kind of field record (visits, sheets) is read from, and how a role sees one. */
export interface ScopedSource<View extends { ticketId: string }, Filter> {
  one(executor: SqlExecutor, id: string): Promise<View | undefined>;
  many(executor: SqlExecutor, filter: Filter & { contractorId?: string }): Promise<View[]>;
  seenBy(role: Role, view: View): View;
  history(executor: SqlExecutor, id: string): Promise<RecordedEvent[]>;
}

/**
 * Reads of visits or sheets in the actor's scope: a contractor sees only what belongs to tickets
 * dispatched to them (anything else reads as not found), every role through its reading policy.
 */
export class ScopedReads<View extends { ticketId: string }, Filter> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tickets: KnownTicketsRepository,
    private readonly source: ScopedSource<View, Filter>,
  ) {}

  /** the record as the actor may see it, or undefined when it does not exist or is out of the actor's scope */
  async find(id: string, actor: Actor): Promise<View | undefined> {
    const view = await this.source.one(this.dataSource, id);
    if (!view || !inScope(actor, await this.tickets.find(this.dataSource, view.ticketId))) return undefined;
    return this.source.seenBy(actor.role, view);
  }

  async list(filter: Filter, actor: Actor): Promise<View[]> {
    const views = await this.source.many(this.dataSource, { ...filter, ...(actor.role === 'contractor' ? { contractorId: actor.id } : {}) });
    return views.map((view) => this.source.seenBy(actor.role, view));
  }

  async history(id: string, actor: Actor): Promise<RecordedEvent[] | undefined> {
    if (!(await this.find(id, actor))) return undefined;
    return this.source.history(this.dataSource, id);
  }
}
