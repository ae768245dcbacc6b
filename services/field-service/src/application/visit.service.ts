import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, Clock } from '@support/contracts';
import { CommandInput, DeciderEvent } from '@support/decider';
import { AppendPipeline, CommandContext, CommandOutcome, IdempotencyStore, OnceOutcome } from '@support/command-handling';
import { verifyRecordedChain } from '@support/event-store';
import { CommandRefusal, CLOCK } from '@support/service-kit';
import { Visit, VisitCommand, visitDecider, visitExists, VisitState } from '../domain';
import { FieldViewsRepository, VisitFilter, VisitView } from '../persistence/field-views.repository';
import { KnownTicketsRepository } from '../persistence/known-tickets.repository';
import { visitSeenBy } from './field-reading.policy';
import { Created, FieldRecords } from './field-records';
import { signatureSha256 } from './signature-hash';

export const VISIT_STREAM = 'visit';

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
export class VisitService extends FieldRecords<VisitCommand, DeciderEvent<typeof visitDecider>, VisitState, Visit, VisitView, Omit<VisitFilter, 'contractorId'>> {
  constructor(
    dataSource: DataSource,
    pipeline: AppendPipeline,
    @Inject(CLOCK) clock: Clock,
    views: FieldViewsRepository,
    tickets: KnownTicketsRepository,
    idempotency: IdempotencyStore,
  ) {
    super(
      { dataSource, pipeline, clock, tickets, idempotency },
      {
        streamType: VISIT_STREAM,
        decider: visitDecider,
        exists: visitExists,
        saveView: (m, visit, version) => views.saveVisit(m, visit, version),
        reads: { one: (e, id) => views.visit(e, id), many: (e, f) => views.findVisits(e, f), seenBy: visitSeenBy },
        ticketOf: (state) => (visitExists(state) ? state.ticketId : undefined),
      },
    );
  }

  /** Asks for an on-site visit for a ticket; honours Idempotency-Key. */
  request(input: { ticketId: string; reason: string }, context: CommandContext, idempotencyKey?: string): Promise<OnceOutcome<Created, CommandRefusal>> {
    return this.start('request-visit', input, context, idempotencyKey, (visitId, at) => ({ type: 'RequestVisit', visitId, ...input, actor: context.actor, at }));
  }

  execute(visitId: string, command: VisitCommandInput, context: CommandContext): Promise<CommandOutcome<Visit>> {
    return this.executeCommand(visitId, (at) => ({ ...command, visitId, actor: context.actor, at }) as VisitCommand, context);
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
