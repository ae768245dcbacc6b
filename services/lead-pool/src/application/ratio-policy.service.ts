import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LeadRatio } from '@support/contracts';
import { CommandRefusal } from '@support/decider';
import { CommandContext, CommandOutcome } from '@support/command-handling';
import { LeadPolicy, offDutyMembers, ratiosWarnings } from '../domain';
import { LeadPoolRepository } from '../persistence/lead-pool.repository';
import { LeadAllocator } from './lead-allocator';
import { LeadPoolAggregates, POLICY_ID } from './lead-pool.aggregates';

/** A setting of the ratios, and what it means now: the named members off duty, and why leads would wait. */
export interface RatiosSet {
  outcome: CommandOutcome<LeadPolicy>;
  offDuty: string[];
  warnings: string[];
}

/** The preset ratios: set by a lead, for members of the roster who are not contractors; they apply from now on. */
@Injectable()
export class RatioPolicyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly aggregates: LeadPoolAggregates,
    private readonly repository: LeadPoolRepository,
    private readonly allocator: LeadAllocator,
  ) {}

  async set(ratios: LeadRatio[], acceptMinutes: number, context: CommandContext): Promise<RatiosSet> {
    const set = await this.dataSource.transaction(async (manager): Promise<RatiosSet> => {
      const roster = await this.repository.members(manager);
      const members = new Map(roster.map((m) => [m.memberId, m]));
      const problems = ratios.flatMap(({ memberId }, i) => {
        const member = members.get(memberId);
        if (!member) return [`ratios.${i}.memberId ${memberId} is not on the roster`];
        return member.role === 'contractor' ? [`ratios.${i}.memberId ${memberId} is a contractor: contractors take no part in the lead pool`] : [];
      });
      if (problems.length > 0) return { outcome: { ok: false, code: 'invalid-command', reason: problems.join('; ') } satisfies CommandRefusal, offDuty: [], warnings: [] };
      const outcome = await this.aggregates.policy.handleIn(
        manager,
        POLICY_ID,
        (at) => ({ type: 'SetRatios', policyId: POLICY_ID, ratios, acceptMinutes, actor: context.actor, at }),
        context,
      );
      // still set: the members may come on duty later, but the lead should know leads would wait
      return { outcome, offDuty: offDutyMembers(ratios, roster), warnings: ratiosWarnings(ratios, roster) };
    });
    if (set.outcome.ok) await this.allocator.runSoon();
    return set;
  }

  current() {
    return this.repository.policyView(this.dataSource, POLICY_ID);
  }
}
