import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, Clock, ERASED } from '@support/contracts';
import { CommandInput, DeciderEvent } from '@support/decider';
import { CommandContext, CommandOutcome, IdempotencyStore, OnceOutcome } from '@support/command-handling';
import { verifyRecordedChain } from '@support/event-store';
import { PersonalDataOpening } from '@support/personal-data';
import { CommandRefusal, CLOCK } from '@support/service-kit';
import { Visit, VisitCommand, visitDecider, visitExists, VisitState } from '../domain';
import { FieldViewsRepository, VisitQuery, VisitView } from '../persistence/field-views.repository';
import { KnownTicketsRepository } from '../persistence/known-tickets.repository';
import { visitSeenBy, VISIT_VIEW_PERSONAL_DATA } from './field-reading.policy';
import { OpenedStreams } from './opened-streams';
import { Created, FieldRecords } from './field-records';
import { signatureSha256 } from './signature-hash';

export const VISIT_STREAM = 'visit';

/**
 * The history check of a visit: the hash chain, and each customer signature against its own sha256. An
 * erased customer's image cannot be hashed again (`erased`): the chain still covers its sealed bytes and
 * the sha256 recorded with it.
 */
export interface VisitVerification {
  valid: boolean;
  length: number;
  brokenAt?: number;
  signatures: Array<{ seq: number; valid: boolean; erased?: true }>;
}

type VisitCommandInput = CommandInput<VisitCommand, 'visitId'>;

/** Visits: requested from a ticket, then worked step by step; contractors only on tickets dispatched to them. */
@Injectable()
export class VisitService extends FieldRecords<VisitCommand, DeciderEvent<typeof visitDecider>, VisitState, Visit, VisitView, Omit<VisitQuery, 'contractorId'>> {
  constructor(
    dataSource: DataSource,
    pipeline: OpenedStreams,
    @Inject(CLOCK) clock: Clock,
    views: FieldViewsRepository,
    tickets: KnownTicketsRepository,
    idempotency: IdempotencyStore,
    opening: PersonalDataOpening,
  ) {
    super(
      { dataSource, pipeline, clock, tickets, idempotency, opening },
      {
        streamType: VISIT_STREAM,
        decider: visitDecider,
        exists: visitExists,
        saveView: (m, visit, version) => views.saveVisit(m, visit, version),
        idOf: (visit) => visit.visitId,
        reads: { one: (e, id) => views.visit(e, id), many: (e, f) => views.findVisits(e, f), personalData: VISIT_VIEW_PERSONAL_DATA, seenBy: visitSeenBy },
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

  /** The hash chain of the visit's events as stored (sealed), and each signature image, opened, against the sha256 stored with it. */
  async verify(visitId: string, actor: Actor): Promise<VisitVerification | undefined> {
    const recorded = await this.recorded(visitId, actor);
    if (!recorded) return undefined;
    const chain = verifyRecordedChain(recorded);
    const signed = await this.deps.opening.openEvents(
      this.deps.dataSource,
      recorded.filter((e) => e.type === 'support.visit.signed.v1'),
    );
    const signatures = signed.map((e) => ({ seq: e.version, ...signatureCheck(e.data) }));
    return { ...chain, valid: chain.valid && signatures.every((s) => s.valid), signatures };
  }
}

function signatureCheck(data: unknown): { valid: boolean; erased?: true } {
  const signature = (data as { signature?: { sha256?: unknown; imageBase64?: unknown } }).signature;
  if (signature?.imageBase64 === ERASED) return { valid: true, erased: true };
  if (typeof signature?.imageBase64 !== 'string' || typeof signature.sha256 !== 'string') return { valid: false };
  return { valid: signatureSha256(signature.imageBase64) === signature.sha256 };
}
