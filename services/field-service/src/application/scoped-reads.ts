import { DataSource } from 'typeorm';
import { Actor, RecordedEvent, Role, updateAt, valueAt } from '@support/contracts';
import { SqlExecutor } from '@support/event-store';
import { PersonalDataOpening } from '@support/personal-data';
import { mapPage, Page } from '@support/service-kit';
import { KnownTicketsRepository } from '../persistence/known-tickets.repository';
import { inScope } from './ticket-scope';

/** Where one kind of field record (visits, sheets) is read from, and how a role sees one. */
export interface ScopedSource<View extends { ticketId: string }, Filter> {
  /** the views as stored: their personal values sealed */
  one(executor: SqlExecutor, id: string): Promise<View | undefined>;
  /** a page of the views the filter (with its page request) finds */
  many(executor: SqlExecutor, filter: Filter & { contractorId?: string }): Promise<Page<View>>;
  /** where a view keeps personal values */
  personalData: readonly string[];
  seenBy(role: Role, view: View): View;
  /** the events as stored (sealed) */
  history(executor: SqlExecutor, id: string): Promise<RecordedEvent[]>;
}

/**
 * Reads of visits or sheets in the actor's scope: a contractor sees only what belongs to tickets
 * dispatched to them (anything else reads as not found). Every answer has its personal values opened
 * (`[erased]` once the customer was erased), then goes through the role's reading policy (an analyst's
 * masked): the tables keep them sealed.
 */
export class ScopedReads<View extends { ticketId: string }, Filter> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tickets: KnownTicketsRepository,
    private readonly opening: PersonalDataOpening,
    private readonly source: ScopedSource<View, Filter>,
  ) {}

  /** the record as the actor may see it, or undefined when it does not exist or is out of the actor's scope */
  async find(id: string, actor: Actor): Promise<View | undefined> {
    const view = await this.visible(id, actor);
    return view && (await this.seenBy(actor, [view]))[0];
  }

  async list(filter: Filter, actor: Actor): Promise<Page<View>> {
    const page = await this.source.many(this.dataSource, { ...filter, ...(actor.role === 'contractor' ? { contractorId: actor.id } : {}) });
    return mapPage(page, (views) => this.seenBy(actor, views));
  }

  /** the events opened, for the caller to show through the role's policy */
  async history(id: string, actor: Actor): Promise<RecordedEvent[] | undefined> {
    const recorded = await this.recorded(id, actor);
    return recorded && this.opening.openEvents(this.dataSource, recorded);
  }

  /** the events as stored, sealed: what the hash chain covers */
  async recorded(id: string, actor: Actor): Promise<RecordedEvent[] | undefined> {
    if (!(await this.visible(id, actor))) return undefined;
    return this.source.history(this.dataSource, id);
  }

  private async visible(id: string, actor: Actor): Promise<View | undefined> {
    const view = await this.source.one(this.dataSource, id);
    return view && inScope(actor, await this.tickets.find(this.dataSource, view.ticketId)) ? view : undefined;
  }

  // every view's personal values opened with one key lookup
  private async seenBy(actor: Actor, views: View[]): Promise<View[]> {
    const pointers = this.source.personalData;
    const opened = await this.opening.openValues(
      this.dataSource,
      views.flatMap((view) => pointers.map((pointer) => valueAt(view, pointer))),
    );
    return views.map((view, v) => {
      const clear = pointers.reduce((open, pointer, p) => updateAt(open, pointer, () => opened[v * pointers.length + p]) as View, view);
      return this.source.seenBy(actor.role, clear);
    });
  }
}
