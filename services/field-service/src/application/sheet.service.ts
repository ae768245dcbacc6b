import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, ServiceKind, SheetContents, SheetSignature } from '@support/contracts';
import { CommandInput, DeciderEvent } from '@support/decider';
import { CommandContext, CommandOutcome, IdempotencyStore, OnceOutcome } from '@support/command-handling';
import { PersonalDataOpening } from '@support/personal-data';
import { CommandRefusal, CLOCK } from '@support/service-kit';
import { ServiceSheet, SheetCommand, sheetDecider, sheetExists, SheetState, visitExists } from '../domain';
import { FieldViewsRepository, SheetQuery, SheetView } from '../persistence/field-views.repository';
import { KnownTicketsRepository } from '../persistence/known-tickets.repository';
import { sheetSeenBy, SHEET_VIEW_PERSONAL_DATA } from './field-reading.policy';
import { OpenedStreams } from './opened-streams';
import { Created, FieldRecords } from './field-records';
import { VisitService } from './visit.service';

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
export class SheetService extends FieldRecords<SheetCommand, DeciderEvent<typeof sheetDecider>, SheetState, ServiceSheet, SheetView, Omit<SheetQuery, 'contractorId'>> {
  constructor(
    dataSource: DataSource,
    pipeline: OpenedStreams,
    @Inject(CLOCK) clock: Clock,
    views: FieldViewsRepository,
    tickets: KnownTicketsRepository,
    idempotency: IdempotencyStore,
    opening: PersonalDataOpening,
    private readonly visits: VisitService,
  ) {
    super(
      { dataSource, pipeline, clock, tickets, idempotency, opening },
      {
        streamType: SHEET_STREAM,
        decider: sheetDecider,
        exists: sheetExists,
        saveView: (m, sheet, version) => views.saveSheet(m, sheet, version),
        idOf: (sheet) => sheet.sheetId,
        reads: { one: (e, id) => views.sheet(e, id), many: (e, f) => views.findSheets(e, f), personalData: SHEET_VIEW_PERSONAL_DATA, seenBy: sheetSeenBy },
        ticketOf: (state) => (sheetExists(state) ? state.ticketId : undefined),
      },
    );
  }

  /** Starts a sheet for a ticket (an on-site one for a visit of that ticket); honours Idempotency-Key. */
  draft(input: DraftSheetInput, context: CommandContext, idempotencyKey?: string): Promise<OnceOutcome<Created, CommandRefusal>> {
    const visitOfTicket = async (manager: EntityManager): Promise<CommandRefusal | undefined> => {
      if (input.visitId === undefined) return undefined;
      const { state: visit } = await this.visits.commands.load(manager, input.visitId);
      return visitExists(visit) && visit.ticketId === input.ticketId
        ? undefined
        : { ok: false, code: 'invalid-command', reason: `visitId must name a visit of ticket ${input.ticketId}` };
    };
    return this.start('draft-sheet', input, context, idempotencyKey, (sheetId, at) => ({ type: 'DraftSheet', sheetId, ...input, actor: context.actor, at }), visitOfTicket);
  }

  execute(sheetId: string, command: SheetCommandInput, context: CommandContext): Promise<CommandOutcome<ServiceSheet>> {
    return this.executeCommand(sheetId, (at) => ({ ...command, sheetId, actor: context.actor, at }) as SheetCommand, context);
  }

  /** Submits for review; an on-site sheet takes the customer's signature from its visit once the visit is signed. */
  submit(sheetId: string, context: CommandContext): Promise<CommandOutcome<ServiceSheet>> {
    return this.deps.dataSource.transaction(async (manager) => {
      const { state } = await this.commands.load(manager, sheetId);
      const customerSignature = sheetExists(state) && state.visitId ? await this.signatureOf(manager, state.visitId) : undefined;
      const submit = { type: 'SubmitSheet' as const, ...(customerSignature ? { customerSignature } : {}) };
      return this.executeCommandIn(manager, sheetId, (at) => ({ ...submit, sheetId, actor: context.actor, at }), context);
    });
  }

  private async signatureOf(manager: EntityManager, visitId: string): Promise<SheetSignature | undefined> {
    const { state: visit } = await this.visits.commands.load(manager, visitId);
    if (!visitExists(visit) || !visit.signature) return undefined;
    const { signerName, sha256, signedAt } = visit.signature;
    return { signerName, sha256, signedAt: signedAt.toISOString() };
  }
}
