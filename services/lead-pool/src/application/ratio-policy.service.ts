import { DataSource } from 'typeorm';
import { CommandRefusal, LeadRatio } from '@support/contracts';
import { CommandContext, CommandOutcome } from '@support/event-store';
import { LeadPolicy } from '../domain';
import { LeadPoolRepository } from '../persistence/lead-pool.repository';
import { LeadAllocator } from './lead-allocator';
import { LeadPoolAggregates, POLICY_ID } from './lead-pool.aggregates';

/** The preset ratios: set by a lead, for members of the roster who are not contractors; they apply from now on. */
export class RatioPolicyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly aggregates: LeadPoolAggregates,
    private readonly repository: LeadPoolRepository,
    private readonly allocator: LeadAllocator,
  ) {}

  async set(ratios: LeadRatio[], acceptMinutes: number, context: CommandContext): Promise<CommandOutcome<LeadPolicy>> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const members = new Map((await this.repository.members(manager)).map((m) => [m.memberId, m]));
      const problems = ratios.flatMap(({ memberId }, i) => {
        const member = members.get(memberId);
        if (!member) return [`ratios.${i}.memberId ${memberId} is not on the roster`];
        return member.role === 'contractor' ? [`ratios.${i}.memberId ${memberId} is a contractor: contractors take no part in the lead pool`] : [];
      });
      if (problems.length > 0) return { ok: false as const, code: 'invalid-command' as const, reason: problems.join('; ') } satisfies CommandRefusal;
      return this.aggregates.policy.executeIn(manager, POLICY_ID, (at) => ({ type: 'SetRatios', policyId: POLICY_ID, ratios, acceptMinutes, actor: context.actor, at }), context);
    });
    if (outcome.ok) await this.allocator.runDue();
    return outcome;
  }

  current() {
    return this.repository.policyView(this.dataSource, POLICY_ID);
  }
}
