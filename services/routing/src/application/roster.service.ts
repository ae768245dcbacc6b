import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CommandContext, IdempotencyStore, OnceOutcome } from '@support/command-handling';
import { Cause, RecordedEvent } from '@support/contracts';
import { CommandRefusal, Rejection } from '@support/decider';
import { MemberCommand } from '../domain';
import { RosterEntry } from '../persistence/roster.repository';
import { MEMBER_STREAM, RoutingEngine, RoutingRound } from './routing-engine';

export { MEMBER_STREAM };

/** a member as a command's answer shows it */
export type MemberAnswer = RosterEntry & { version: number };

export type RosterOutcome = { ok: true; member: RosterEntry; version: number } | Rejection | { ok: false; code: 'version-conflict'; reason: string };

/**
 * Roster changes. A change that frees capacity (on duty, more capacity, new skills) drains the
 * queue in the same round, so waiting tickets are handed out the moment someone can take them.
 */
@Injectable()
export class RosterService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: RoutingEngine,
    private readonly idempotency: IdempotencyStore,
  ) {}

  /** a registration (on duty at once, if asked), once per Idempotency-Key: `request` is what the key stands for */
  register(
    memberId: string,
    command: (at: Date) => MemberCommand[],
    context: CommandContext,
    request: unknown,
    idempotencyKey?: string,
  ): Promise<OnceOutcome<MemberAnswer, CommandRefusal>> {
    return this.idempotency.once<MemberAnswer, CommandRefusal>(
      this.dataSource,
      { operation: 'register-member', caller: context.actor.id },
      idempotencyKey,
      request,
      async (manager) => {
        const outcome = await this.executeIn(manager, memberId, command, context);
        return outcome.ok ? { status: 201, body: { ...outcome.member, version: outcome.version } } : { refused: outcome };
      },
    );
  }

  execute(memberId: string, command: (at: Date) => MemberCommand, context: CommandContext): Promise<RosterOutcome> {
    return this.dataSource.transaction((manager) => this.executeIn(manager, memberId, (at) => [command(at)], context));
  }

  /** commands decided in turn on a member's stream and written together: all or none */
  private async executeIn(manager: EntityManager, memberId: string, commands: (at: Date) => MemberCommand[], context: CommandContext): Promise<RosterOutcome> {
    const round = await RoutingRound.begin(this.engine.tablesIn(manager));
    const cause: Cause = { actor: context.actor, correlationId: context.correlationId };
    const change = await this.engine.members.decide(manager, memberId, commands, { ...cause, expectedVersion: context.expectedVersion });
    if (!('request' in change)) return change;
    const at = change.request.events[0]?.occurredAt ?? this.engine.clock.now();

    // the round sees the member as they are after the change
    const committed = await this.engine.onRosterChange(round, [{ member: change.entity, version: change.version }], cause, at, [change]);
    if (!committed.ok) return { ok: false as const, code: 'version-conflict' as const, reason: `member ${memberId} changed meanwhile` };
    return { ok: true as const, member: committed.entries[0], version: change.version };
  }

  async history(memberId: string): Promise<RecordedEvent[]> {
    return this.engine.members.history(this.dataSource, memberId);
  }
}
