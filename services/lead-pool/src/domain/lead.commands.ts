import { Actor, LeadContact, LeadSource, Urgency } from '@support/contracts';

/** What every lead command carries: the lead, who asks, and the injected time of the request. */
interface LeadCommandBase<Type extends string> {
  type: Type;
  leadId: string;
  actor: Actor;
  /** now, from the injected clock: the decider never reads a clock */
  at: Date;
}

/** A member's social-media account brought in a prospective customer: it enters the team's pool. */
export interface CaptureLead extends LeadCommandBase<'CaptureLead'> {
  source: LeadSource;
  customerHandle: string;
  contact: LeadContact;
  note?: string;
  via: 'rest' | 'webhook';
}

/** The same contact captured again: merged into this lead, whose source keeps the credit. */
export interface MergeDuplicate extends LeadCommandBase<'MergeDuplicate'> {
  source: LeadSource;
  note?: string;
}

/** The pool gives the lead to a member by the preset ratios (the application picks the member). */
export interface AllocateLead extends LeadCommandBase<'AllocateLead'> {
  memberId: string;
  /** the version of the ratios the member was picked by */
  policyVersion: number;
  acceptBy: Date;
}

export type AcceptLead = LeadCommandBase<'AcceptLead'>;

export interface DeclineLead extends LeadCommandBase<'DeclineLead'> {
  reason?: string;
}

/** The member did not accept in time: sent by the pool's timer at or after `acceptBy`. */
export type ExpireAllocation = LeadCommandBase<'ExpireAllocation'>;

/** The lead became work: intake opens a ticket from this. The application defaults the customer's contact to the lead's. */
export interface ConvertLead extends LeadCommandBase<'ConvertLead'> {
  customer: { name: string } & LeadContact;
  deviceModel: string;
  problem: string;
  urgency: Urgency;
}

export interface LoseLead extends LeadCommandBase<'LoseLead'> {
  reason: string;
}

/** A ticket was opened for this lead's contact while the lead was not accepted: `memberId` held it. */
export interface FlagHoarding extends LeadCommandBase<'FlagHoarding'> {
  ticketId: string;
  memberId: string;
}

/** The prospect's personal data is erased: the application destroys the lead's data key with the event. */
export interface EraseLead extends LeadCommandBase<'EraseLead'> {
  reason: string;
  /** the customer whose erasure this follows, when it does */
  customerId?: string;
}

export type LeadCommand = CaptureLead | MergeDuplicate | AllocateLead | AcceptLead | DeclineLead | ExpireAllocation | ConvertLead | LoseLead | FlagHoarding | EraseLead;

export type LeadCommandType = LeadCommand['type'];

export const LEAD_COMMAND_TYPES = [
  'CaptureLead',
  'MergeDuplicate',
  'AllocateLead',
  'AcceptLead',
  'DeclineLead',
  'ExpireAllocation',
  'ConvertLead',
  'LoseLead',
  'FlagHoarding',
  'EraseLead',
] as const satisfies readonly LeadCommandType[];
