import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@support/contracts';
import { DeciderEvent } from '@support/decider';
import { AppendPipeline, CommandHandler } from '@support/command-handling';
import { CLOCK } from '@support/service-kit';
import { Lead, LeadCommand, leadDecider, leadExists, LeadPolicy, leadPolicyDecider, leadPolicyExists, LeadPolicyState, LeadState, SetRatios } from '../domain';
import { LeadPoolRepository } from '../persistence/lead-pool.repository';
import { LeadPersonalData } from './lead-personal-data';

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
    personalData: LeadPersonalData,
  ) {
    this.leads = new CommandHandler(pipeline, clock, {
      streamType: 'lead',
      decider: leadDecider,
      exists: leadExists,
      // version 1 is the capture, the one event with the contact: its digests, from the values as sealed
      saveView: async (m, lead, v) => repository.saveLead(m, lead, v, clock.now(), v === 1 ? await personalData.digestsOf(m, lead.contact) : undefined),
    });
    this.policy = new CommandHandler(pipeline, clock, {
      streamType: 'lead-policy',
      decider: leadPolicyDecider,
      exists: leadPolicyExists,
      saveView: (m, policy, v) => repository.savePolicy(m, policy, v),
    });
  }
}
