import { SignatureMediaType, Technician, VisitChecklist, VisitEvent } from '@support/contracts';
import { without } from './checks';
import { VisitLocation, VisitWindow } from './visit.commands';

export const VISIT_STATUSES = ['requested', 'scheduled', 'prepared', 'checked-in', 'completed', 'signed', 'cancelled'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

/** Before `support.visit.requested.v1`: the visit does not exist. */
export interface NoVisit {
  readonly status: 'none';
}

/** One entry of the on-site work log. */
export interface WorkLogEntry {
  readonly entry: string;
  readonly loggedAt: Date;
  /** the visit's technician when the entry was logged: the event does not name who logged it, its envelope does */
  readonly by: string;
}

/** A visit as its events describe it. */
export interface Visit {
  readonly visitId: string;
  readonly ticketId: string;
  readonly status: VisitStatus;
  /** why the visit was requested */
  readonly reason: string;
  readonly technician?: Technician;
  readonly window?: VisitWindow;
  /** the window's start */
  readonly appointmentAt?: Date;
  readonly address?: string;
  /** the confirmed preparation; cleared by a reschedule */
  readonly checklist?: VisitChecklist;
  readonly preparedAt?: Date;
  readonly arrivedAt?: Date;
  readonly location?: VisitLocation;
  readonly workLog: readonly WorkLogEntry[];
  readonly completion?: { readonly completedAt: Date; readonly workDone: string; readonly usageNotes: string };
  /** the signature without its image: the image stays in the signed event */
  readonly signature?: { readonly signerName: string; readonly mediaType: SignatureMediaType; readonly sha256: string; readonly signedAt: Date };
  readonly cancelReason?: string;
}

/** The decider's state: no visit yet, or the visit. */
export type VisitState = NoVisit | Visit;

export const initialVisitState = (): VisitState => ({ status: 'none' });

export function visitExists(state: VisitState): state is Visit {
  return state.status !== 'none';
}

/** Applies one event. Events are facts: each sets its status whatever the status before. */
export function evolveVisit(state: VisitState, event: VisitEvent): VisitState {
  if (event.type === 'support.visit.requested.v1') {
    if (visitExists(state)) throw new Error(`visit ${state.visitId} requested twice`);
    const { visitId, ticketId, reason } = event.data;
    return { visitId, ticketId, status: 'requested', reason, workLog: [] };
  }
  if (!visitExists(state)) throw new Error(`${event.type} for a visit that was never requested`);

  switch (event.type) {
    case 'support.visit.scheduled.v1':
    case 'support.visit.rescheduled.v1': {
      const { technician, window, appointmentAt, address } = event.data;
      // a new booking needs a new preparation
      return {
        ...without(state, 'checklist', 'preparedAt'),
        status: 'scheduled',
        technician: { ...technician },
        window: { start: new Date(window.start), end: new Date(window.end) },
        appointmentAt: new Date(appointmentAt),
        address,
      };
    }
    case 'support.visit.prepared.v1': {
      const { checklist, preparedAt } = event.data;
      return { ...state, status: 'prepared', checklist: { ...checklist, tools: [...checklist.tools], spareParts: [...checklist.spareParts] }, preparedAt: new Date(preparedAt) };
    }
    case 'support.visit.checked-in.v1': {
      // the location kept as the event holds it, not taken apart: a read model's fold gets it sealed, as one text
      const { arrivedAt, location } = event.data;
      return { ...state, status: 'checked-in', arrivedAt: new Date(arrivedAt), ...(location ? { location } : {}) };
    }
    case 'support.visit.work-logged.v1': {
      const entry = { entry: event.data.entry, loggedAt: new Date(event.data.loggedAt), by: state.technician?.id ?? 'unknown' };
      return { ...state, workLog: [...state.workLog, entry] };
    }
    case 'support.visit.completed.v1': {
      const { completedAt, workDone, usageNotes } = event.data;
      return { ...state, status: 'completed', completion: { completedAt: new Date(completedAt), workDone, usageNotes } };
    }
    case 'support.visit.signed.v1': {
      const { signerName, mediaType, sha256 } = event.data.signature;
      return { ...state, status: 'signed', signature: { signerName, mediaType, sha256, signedAt: new Date(event.data.signedAt) } };
    }
    case 'support.visit.cancelled.v1':
      return { ...state, status: 'cancelled', cancelReason: event.data.reason };
  }
}
