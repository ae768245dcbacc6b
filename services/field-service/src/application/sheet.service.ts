import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, Clock, RecordedEvent, ServiceKind, SheetContents, SheetSignature } from '@support/contracts';
import { CommandInput, DeciderEvent } from '@support/decider';
import { AppendPipeline, CommandContext, CommandHandler, DecideOptions, CommandOutcome, IdempotencyStore, OnceOutcome } from '@support/command-handling';
import { CommandRefusal, CLOCK } from '@support/service-kit';
import { ServiceSheet, SheetCommand, sheetDecider, sheetExists, SheetState, visitExists } from '../domain';
import { FieldViewsRepository, SheetFilter, SheetView } from '../persistence/field-views.repository';
import { KnownTicketsRepository } from '../persistence/known-tickets.repository';
import { sheetSeenBy } from './field-reading.policy';
import { ScopedReads } from './scoped-reads';
import { refuseNewWork, withinTicketScope } from './ticket-scope';
import { Created, VisitService } from './visit.service';

export const SHEET_STREAM = 'sheet';

export interface DraftSheetInput {
  ticketId: string;
  visitId?: string;
  kind: ServiceKind;
  contents: SheetContents;
}

type SheetCommandInput = CommandInput<SheetCommand, 'sheetId'>;

/** Service sheets: drafted, submitted for review (an on-site sheet with the visit's signature), reviewed, archived. */
@Injectable()
export class SheetService {
  private readonly reads: ScopedReads<SheetView, Omit<SheetFilter, 'contractorId'>>;
  readonly commands: CommandHandler<SheetCommand, DeciderEvent<typeof sheetDecider>, SheetState, ServiceSheet>;

  constructor(
    private readonly dataSource: DataSource,
    pipeline: AppendPipeline,
    @Inject(CLOCK) clock: Clock,
    private readonly views: FieldViewsRepository,
    private readonly tickets: KnownTicketsRepository,
    private readonly idempotency: IdempotencyStore,
    private readonly visits: VisitService,
  ) {
    this.commands = new CommandHandler(pipeline, clock, {
      streamType: SHEET_STREAM,
      decider: sheetDecider,
      exists: sheetExists,
      saveView: (m, sheet, version) => views.saveSheet(m, sheet, version),
    });
    this.reads = new ScopedReads(dataSource, tickets, {
      one: (e, id) => views.sheet(e, id),
      many: (e, f) => views.findSheets(e, f),
      seenBy: sheetSeenBy,
      history: (e, id) => this.commands.history(e, id),
    });
  }

  /** Starts a sheet for a ticket (an on-site one for a visit of that ticket); honours Idempotency-Key. */
  async draft(input: DraftSheetInput, context: CommandContext, idempotencyKey?: string): Promise<OnceOutcome<Created, CommandRefusal>> {
    return this.idempotency.once<Created, CommandRefusal>(this.dataSource, { operation: 'draft-sheet', caller: context.actor.id }, idempotencyKey, input, async (manager) => {
      const refused = refuseNewWork(context.actor, input.ticketId, await this.tickets.find(manager, input.ticketId));
      if (refused) return { refused };
      if (input.visitId !== undefined) {
        const { state: visit } = await this.visits.commands.load(manager, input.visitId);
        if (!visitExists(visit) || visit.ticketId !== input.ticketId) {
          return { refused: { ok: false, code: 'invalid-command', reason: `visitId must name a visit of ticket ${input.ticketId}` } };
        }
      }
      const sheetId = randomUUID();
      const outcome = await this.commands.handleIn(manager, sheetId, (at) => ({ type: 'DraftSheet', sheetId, ...input, actor: context.actor, at }), context);
      if (!outcome.ok) return { refused: outcome };
      return { status: 201, body: { id: sheetId, status: outcome.entity.status, version: outcome.version } };
    });
  }

  async execute(sheetId: string, command: SheetCommandInput, context: CommandContext): Promise<CommandOutcome<ServiceSheet>> {
    return this.commands.handle(this.dataSource, sheetId, (at) => ({ ...command, sheetId, actor: context.actor, at }) as SheetCommand, context, this.inScope(sheetId, context));
  }

  /** Submits for review; an on-site sheet takes the customer's signature from its visit once the visit is signed. */
  async submit(sheetId: string, context: CommandContext): Promise<CommandOutcome<ServiceSheet>> {
    return this.dataSource.transaction(async (manager) => {
      const { state } = await this.commands.load(manager, sheetId);
      const customerSignature = sheetExists(state) && state.visitId ? await this.signatureOf(manager, state.visitId) : undefined;
      const submit = { type: 'SubmitSheet' as const, ...(customerSignature ? { customerSignature } : {}) };
      return this.commands.handleIn(manager, sheetId, (at) => ({ ...submit, sheetId, actor: context.actor, at }), context, this.inScope(sheetId, context));
    });
  }

  /** the sheet as the actor may see it, or undefined when it does not exist or is out of the actor's scope */
  find(sheetId: string, actor: Actor): Promise<SheetView | undefined> {
    return this.reads.find(sheetId, actor);
  }

  list(filter: Omit<SheetFilter, 'contractorId'>, actor: Actor): Promise<SheetView[]> {
    return this.reads.list(filter, actor);
  }

  history(sheetId: string, actor: Actor): Promise<RecordedEvent[] | undefined> {
    return this.reads.history(sheetId, actor);
  }

  private inScope(sheetId: string, context: CommandContext): DecideOptions<SheetState> {
    return withinTicketScope(this.tickets, context.actor, sheetId, (state: SheetState) => (sheetExists(state) ? state.ticketId : undefined));
  }

  private async signatureOf(manager: EntityManager, visitId: string): Promise<SheetSignature | undefined> {
    const { state: visit } = await this.visits.commands.load(manager, visitId);
    if (!visitExists(visit) || !visit.signature) return undefined;
    const { signerName, sha256, signedAt } = visit.signature;
    return { signerName, sha256, signedAt: signedAt.toISOString() };
  }
}
