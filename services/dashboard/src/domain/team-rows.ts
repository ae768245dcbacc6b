import { LeadEvent, RosterEvent } from '@support/contracts';
import { Observed } from './board-rows';

/** A roster member as the dashboard names them: the name from their registration or latest profile. */
export interface MemberRow {
  memberId: string;
  name: string;
  /** null when the registration was not seen (a projection started mid-stream) */
  role: string | null;
  changedAt: string;
}

/** Where a lead is now; `pooledSince` is when it last entered the pool (captured, or returned), while it waits there. */
export interface LeadRow {
  leadId: string;
  status: 'pooled' | 'allocated' | 'accepted' | 'converted' | 'lost' | 'erased';
  pooledSince: string | null;
  changedAt: string;
}

/** How many leads wait in the pool now, and for how long the one waiting longest has. */
export interface LeadPoolWaiting {
  at: string;
  waiting: number;
  /** when the longest-waiting lead entered the pool; null with none waiting */
  oldestWaitingSince: string | null;
  /** seconds since then (never negative); null with none waiting */
  longestWaitSeconds: number | null;
}

/** The member row after a roster event: the same row when the event does not name them. */
export function memberRowAfter(row: MemberRow | undefined, event: Observed<RosterEvent>): MemberRow | undefined {
  const at = event.time;
  switch (event.type) {
    case 'support.member.registered.v1':
      return { memberId: event.data.memberId, name: event.data.name, role: event.data.role, changedAt: at };
    case 'support.member.profile-changed.v1':
      // a reader may meet the profile before the registration (a projection started mid-stream): keep what is known
      return { memberId: event.data.memberId, name: event.data.name, role: row?.role ?? null, changedAt: at };
    default:
      return row;
  }
}

/**
 * The lead's row after a lead event (lead-pool's transitions, as a reader sees them): captured and
 * returned leads wait in the pool, allocated and accepted ones are a member's, converted, lost and erased
 * ones are done. Only the lead's own earlier events matter, so a replay of its stream gives the same row.
 */
export function leadRowAfter(row: LeadRow | undefined, event: Observed<LeadEvent>): LeadRow | undefined {
  const at = event.time;
  const { leadId } = event.data;
  const moved = (status: LeadRow['status'], pooledSince: string | null = null): LeadRow => ({ leadId, status, pooledSince, changedAt: at });
  switch (event.type) {
    case 'support.lead.captured.v1':
      // a second delivery of the capture must not restart the wait
      return row ?? moved('pooled', at);
    case 'support.lead.returned.v1':
      return moved('pooled', at);
    case 'support.lead.allocated.v1':
      return moved('allocated');
    case 'support.lead.accepted.v1':
      return moved('accepted');
    case 'support.lead.converted.v1':
      return moved('converted');
    case 'support.lead.lost.v1':
      return moved('lost');
    // an erased lead is no one's any more, and waits for nothing
    case 'support.lead.erased.v1':
      return moved('erased');
    default:
      return row;
  }
}

/** The pool's waiting leads as the dashboard shows them, from their count and the oldest entry time. */
export function leadPoolWaiting(waiting: number, oldestWaitingSince: string | null, now: Date): LeadPoolWaiting {
  const since = waiting > 0 ? oldestWaitingSince : null;
  return {
    at: now.toISOString(),
    waiting,
    oldestWaitingSince: since,
    longestWaitSeconds: since === null ? null : Math.max(0, Math.floor((now.getTime() - Date.parse(since)) / 1000)),
  };
}
