import { Actor, LeadRatio } from '@support/contracts';

/**
 * The lead sets the preset ratios and how long a member has to accept a lead; they apply from now on.
 * Contractors never take part: the application, which knows the roster, refuses them in `ratios`.
 */
export interface SetRatios {
  type: 'SetRatios';
  /** the policy's stream (one per team) */
  policyId: string;
  actor: Actor;
  /** now, from the injected clock: the decider never reads a clock */
  at: Date;
  ratios: LeadRatio[];
  acceptMinutes: number;
}

export type LeadPolicyCommand = SetRatios;
