import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@support/contracts';
import { DeciderEvent } from '@support/decider';
import { AppendPipeline, CommandHandler } from '@support/command-handling';
import { CLOCK } from '@support/service-kit';
import { Lead, LeadCommand, leadDecider, leadExists, LeadPolicy, leadPolicyDecider, leadPolicyExists, LeadPolicyState, LeadState, SetRatios } from '../domain';
import { LeadPoolRepository } from '../persistence/lead-pool.repository';

/** the one set of ratios the team runs on */
export const POLICY_ID = 'default';

/** The lead pool's aggregates: leads, and the ratios policy. */
@Injectable()
export class LeadPoolAggregates {
  readonly leads: CommandHandler<LeadCommand, DeciderEvent<typeof leadDecider>, LeadState, Lead>;
  readonly policy: CommandHandler<SetRatios, DeciderEvent<typeof leadPolicyDecider>, LeadPolicyState, LeadPolicy>;

  constructor(
    readonly pipeline: AppendPipeline,
    @Inject(CLOCK) readonly clock: Clock,
    repository: LeadPoolRepository,
  ) {
    this.leads = new CommandHandler(pipeline, clock, {
      streamType: 'lead',
      decider: leadDecider,
      exists: leadExists,
      saveView: (m, lead, v) => repository.saveLead(m, lead, v, clock.now()),
    });
    this.policy = new CommandHandler(pipeline, clock, {
      streamType: 'lead-policy',
      decider: leadPolicyDecider,
      exists: leadPolicyExists,
      saveView: (m, policy, v) => repository.savePolicy(m, policy, v),
    });
  }
}
