import { eraseAt, LeadContact, leadCaptured, leadConverted, LeadEvent, LeadSource, personalDataOfEvents, Urgency } from '@support/contracts';
import { optional, without } from './checks';

export const LEAD_STATUSES = ['pooled', 'allocated', 'accepted', 'converted', 'lost'] as const;
/** pooled: captured (or returned), waiting for allocation; converted and lost are final. */
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/**
 * Where a lead keeps personal data: the captured event's fields where the event has them, the
 * conversion's customer under `ticketCause` (see evolveLead).
 */
export const LEAD_PERSONAL_DATA = [...personalDataOfEvents([leadCaptured]), ...personalDataOfEvents([leadConverted], '/ticketCause')];

/** Before `support.lead.captured.v1`: the lead does not exist. */
export interface NoLead {
  readonly status: 'none';
}

/** What the conversion handed to intake: the ticket it opens is caused by the converted event. */
export interface LeadConversion {
  readonly customer: { readonly name: string } & Readonly<LeadContact>;
  readonly deviceModel: string;
  readonly problem: string;
  readonly urgency: Urgency;
}

/**
 * A lead as its events describe it. The events carry no time and no actor: when it was captured is the
 * captured event's envelope time (`occurredAt`), for the read model to keep.
 */
export interface Lead {
  readonly leadId: string;
  /** who brought it in: keeps the credit even when others capture it again */
  readonly source: LeadSource;
  readonly customerHandle: string;
  readonly contact: LeadContact;
  readonly note?: string;
  readonly via: 'rest' | 'webhook';
  readonly status: LeadStatus;
  /** the sources of later captures of the same contact, in order */
  readonly mergedSources: readonly LeadSource[];
  /** the member holding the current allocation; kept once accepted */
  readonly allocatedTo?: string;
  /** while allocated: when the allocation runs out */
  readonly acceptBy?: Date;
  /** the ratios version of the current allocation */
  readonly policyVersion?: number;
  /** members who declined the lead or let it time out: it is never offered to them again */
  readonly declinedBy: readonly string[];
  readonly acceptedBy?: string;
  readonly ticketCause?: LeadConversion;
  readonly lostReason?: string;
  /** tickets the lead was flagged for (each flagged once) */
  readonly hoardingFlaggedFor: readonly string[];
  /** the prospect's personal data was erased: it reads `[erased]`, and the lead is neither allocated nor converted again */
  readonly erased?: true;
}

/** The decider's state: no lead yet, or the lead. */
export type LeadState = NoLead | Lead;

export const initialLeadState = (): LeadState => ({ status: 'none' });

export function leadExists(state: LeadState): state is Lead {
  return state.status !== 'none';
}

const added = (list: readonly string[], value: string) => (list.includes(value) ? list : [...list, value]);

/** Applies one event. Events are facts: each sets its status whatever the status before. */
export function evolveLead(state: LeadState, event: LeadEvent): LeadState {
  if (event.type === 'support.lead.captured.v1') {
    if (leadExists(state)) throw new Error(`lead ${state.leadId} captured twice`);
    const { leadId, source, customerHandle, contact, note, via } = event.data;
    return {
      leadId,
      source: { ...source },
      customerHandle,
      contact: { ...contact },
      ...optional('note', note),
      via,
      status: 'pooled',
      mergedSources: [],
      declinedBy: [],
      hoardingFlaggedFor: [],
    };
  }
  if (!leadExists(state)) throw new Error(`${event.type} for a lead that was never captured`);

  switch (event.type) {
    case 'support.lead.duplicate-captured.v1':
      return { ...state, mergedSources: [...state.mergedSources, { ...event.data.source }] };
    case 'support.lead.allocated.v1': {
      const { memberId, policyVersion, acceptBy } = event.data;
      return { ...state, status: 'allocated', allocatedTo: memberId, policyVersion, acceptBy: new Date(acceptBy) };
    }
    case 'support.lead.accepted.v1':
      return { ...without(state, 'acceptBy'), status: 'accepted', acceptedBy: event.data.memberId };
    case 'support.lead.returned.v1':
      // declined or timed out: back in the pool, never offered to that member again
      return { ...without(state, 'allocatedTo', 'acceptBy', 'policyVersion'), status: 'pooled', declinedBy: added(state.declinedBy, event.data.memberId) };
    case 'support.lead.converted.v1': {
      const { customer, deviceModel, problem, urgency } = event.data;
      return { ...state, status: 'converted', ticketCause: { customer: { ...customer }, deviceModel, problem, urgency } };
    }
    case 'support.lead.lost.v1':
      return { ...without(state, 'acceptBy'), status: 'lost', lostReason: event.data.reason };
    case 'support.lead.hoarding-flagged.v1':
      return { ...state, hoardingFlaggedFor: added(state.hoardingFlaggedFor, event.data.ticketId) };
    case 'support.lead.erased.v1':
      // the values read [erased] once the key is gone; in the state at once, recorded clear (before sealing) or not
      return { ...(eraseAt(state, LEAD_PERSONAL_DATA) as Lead), erased: true };
  }
}
