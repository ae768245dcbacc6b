import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, Clock, RecordedEvent } from '@support/contracts';
import { CommandInput, DeciderEvent } from '@support/decider';
import { AppendPipeline, CommandContext, CommandHandler, CommandOutcome, IdempotencyStore, OnceOutcome } from '@support/command-handling';
import { verifyRecordedChain } from '@support/event-store';
import { CommandRefusal, CLOCK } from '@support/service-kit';
import { Visit, VisitCommand, visitDecider, visitExists, VisitState } from '../domain';
import { FieldViewsRepository, VisitFilter, VisitView } from '../persistence/field-views.repository';
import { KnownTicketsRepository } from '../persistence/known-tickets.repository';
import { visitSeenBy } from './field-reading.policy';
import { signatureSha256 } from './signature-hash';
import { ScopedReads } from './scoped-reads';
import { refuseNewWork, withinTicketScope } from './ticket-scope';

export const VISIT_STREAM = 'visit';

/** What a new visit, sheet or command answers: the id, the status it is in, and its version. */
export interface Created {
  id: string;
  status: string;
  version: number;
}

/** The history check of a visit: the hash chain, and each customer signature against its own sha256. */
export interface VisitVerification {
  valid: boolean;
  length: number;
  brokenAt?: number;
  signatures: Array<{ seq: number; valid: boolean }>;
}

type VisitCommandInput = CommandInput<VisitCommand, 'visitId'>;

/** Visits: requested from a ticket, then worked step by step; contractors only on tickets dispatched to them. */
@Injectable()
export class VisitService {
  private readonly reads: ScopedReads<VisitView, Omit<VisitFilter, 'contractorId'>>;
  readonly commands: CommandHandler<VisitCommand, DeciderEvent<typeof visitDecider>, VisitState, Visit>;

  constructor(
    private readonly dataSource: DataSource,
    pipeline: AppendPipeline,
    @Inject(CLOCK) clock: Clock,
    private readonly views: FieldViewsRepository,
    private readonly tickets: KnownTicketsRepository,
    private readonly idempotency: IdempotencyStore,
  ) {
    this.commands = new CommandHandler(pipeline, clock, {
      streamType: VISIT_STREAM,
      decider: visitDecider,
      exists: visitExists,
      saveView: (m, visit, version) => views.saveVisit(m, visit, version),
    });
    this.reads = new ScopedReads(dataSource, tickets, {
      one: (e, id) => views.visit(e, id),
      many: (e, f) => views.findVisits(e, f),
      seenBy: visitSeenBy,
      history: (e, id) => this.commands.history(e, id),
    });
  }

  /** Asks for an on-site visit for a ticket; honours Idempotency-Key. */
  async request(input: { ticketId: string; reason: string }, context: CommandContext, idempotencyKey?: string): Promise<OnceOutcome<Created, CommandRefusal>> {
    return this.idempotency.once<Created, CommandRefusal>(this.dataSource, { operation: 'request-visit', caller: context.actor.id }, idempotencyKey, input, async (manager) => {
      const refused = refuseNewWork(context.actor, input.ticketId, await this.tickets.find(manager, input.ticketId));
      if (refused) return { refused };
      const visitId = randomUUID();
      const outcome = await this.commands.handleIn(manager, visitId, (at) => ({ type: 'RequestVisit', visitId, ...input, actor: context.actor, at }), context);
      if (!outcome.ok) return { refused: outcome };
      return { status: 201, body: { id: visitId, status: outcome.entity.status, version: outcome.version } };
    });
  }

  async execute(visitId: string, command: VisitCommandInput, context: CommandContext): Promise<CommandOutcome<Visit>> {
    return this.commands.handle(
      this.dataSource,
      visitId,
      (at) => ({ ...command, visitId, actor: context.actor, at }) as VisitCommand,
      context,
      withinTicketScope(this.tickets, context.actor, visitId, (state: VisitState) => (visitExists(state) ? state.ticketId : undefined)),
    );
  }

  /** the visit as the actor may see it, or undefined when it does not exist or is out of the actor's scope */
  find(visitId: string, actor: Actor): Promise<VisitView | undefined> {
    return this.reads.find(visitId, actor);
  }

  list(filter: Omit<VisitFilter, 'contractorId'>, actor: Actor): Promise<VisitView[]> {
    return this.reads.list(filter, actor);
  }

  history(visitId: string, actor: Actor): Promise<RecordedEvent[] | undefined> {
    return this.reads.history(visitId, actor);
  }

  /** The hash chain of the visit's events, and each signature image against the sha256 stored with it. */
  async verify(visitId: string, actor: Actor): Promise<VisitVerification | undefined> {
    const events = await this.history(visitId, actor);
    if (!events) return undefined;
    const chain = verifyRecordedChain(events);
    const signatures = events.filter((e) => e.type === 'support.visit.signed.v1').map((e) => ({ seq: e.version, valid: signatureMatches(e.data) }));
    return { ...chain, valid: chain.valid && signatures.every((s) => s.valid), signatures };
  }
}

function signatureMatches(data: unknown): boolean {
  const signature = (data as { signature?: { sha256?: unknown; imageBase64?: unknown } }).signature;
  if (typeof signature?.imageBase64 !== 'string' || typeof signature.sha256 !== 'string') return false;
  return signatureSha256(signature.imageBase64) === signature.sha256;
}
