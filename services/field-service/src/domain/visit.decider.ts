import { Actor, MAX_SIGNATURE_BYTES, SIGNATURE_MEDIA_TYPES, Technician, VisitEvent } from '@support/contracts';
import { accept, Decider, Decision, reject } from '@support/decider';
import { blank, invalid, names, notSha256, notUuid, oneOf, optional, validDate } from './checks';
import { VisitCommand, VisitCommandType, VisitLocation, VisitWindow } from './visit.commands';
import { evolveVisit, initialVisitState, Visit, VisitState, VisitStatus } from './visit.state';

export const TECHNICIAN_ROLES = ['lead', 'senior', 'agent', 'contractor'] as const;

/** as the signed event's schema: base64 of at most MAX_SIGNATURE_BYTES bytes */
export const MAX_SIGNATURE_BASE64 = Math.ceil(MAX_SIGNATURE_BYTES / 3) * 4;

interface VisitTransition {
  /** for rejections: "cannot <verb> a visit that is <status>" */
  verb: string;
  /** the statuses the command is legal in */
  from: readonly VisitStatus[];
  /** a contractor may never send it, or only as the visit's technician */
  contractor: 'never' | 'technician';
}

/** Which command is legal in which status; evolve sets the status each event leads to. */
export const VISIT_TRANSITIONS: Readonly<Record<Exclude<VisitCommandType, 'RequestVisit'>, VisitTransition>> = {
  ScheduleVisit: { verb: 'schedule', from: ['requested'], contractor: 'never' },
  RescheduleVisit: { verb: 'reschedule', from: ['scheduled', 'prepared'], contractor: 'never' },
  PrepareVisit: { verb: 'prepare', from: ['scheduled'], contractor: 'technician' },
  CheckIn: { verb: 'check in', from: ['prepared'], contractor: 'technician' },
  LogWork: { verb: 'log work on', from: ['checked-in'], contractor: 'technician' },
  CompleteVisit: { verb: 'complete', from: ['checked-in'], contractor: 'technician' },
  SignVisit: { verb: 'sign', from: ['completed'], contractor: 'technician' },
  CancelVisit: { verb: 'cancel', from: ['requested', 'scheduled', 'prepared', 'checked-in'], contractor: 'never' },
};

// the on-site steps in order, to say which one is missing
const STEPS: readonly VisitStatus[] = ['requested', 'scheduled', 'prepared', 'checked-in', 'completed', 'signed'];
const DONE: Record<VisitStatus, string> = {
  requested: 'requested',
  scheduled: 'scheduled',
  prepared: 'prepared',
  'checked-in': 'checked in',
  completed: 'completed',
  signed: 'signed',
  cancelled: 'cancelled',
};

/**
 * The Visit decider. Order of checks as in intake's ticket decider: the visit must exist (`not-found`),
 * the command must be legal in its status and, for a contractor, be theirs to send (`illegal-transition`,
 * 409), then its values must hold (`invalid-command`, 400). Which tickets an actor may touch is checked
 * by the caller.
 */
export const visitDecider: Decider<VisitCommand, VisitEvent, VisitState> = {
  decide: decideVisit,
  evolve: evolveVisit,
  initialState: initialVisitState,
};

export function decideVisit(command: VisitCommand, state: VisitState): Decision<VisitEvent> {
  if (command.type === 'RequestVisit') {
    if (state.status !== 'none') return reject('illegal-transition', `visit ${command.visitId} already exists (it is ${state.status})`);
    const problem = atProblem(command.at) ?? notUuid(command.visitId, 'visitId') ?? notUuid(command.ticketId, 'ticketId') ?? blank(command.reason, 'reason');
    if (problem) return invalid(problem);
    return accept({ type: 'support.visit.requested.v1', data: { visitId: command.visitId, ticketId: command.ticketId, reason: command.reason } });
  }

  if (state.status === 'none') return reject('not-found', `visit ${command.visitId} does not exist`);
  if (state.visitId !== command.visitId) {
    // the caller loaded the wrong stream: a bug, not a business outcome
    throw new Error(`command for visit ${command.visitId} decided on visit ${state.visitId}`);
  }
  const visit = state;
  const transition = VISIT_TRANSITIONS[command.type];
  if (!transition.from.includes(visit.status)) {
    return reject('illegal-transition', `cannot ${transition.verb} a visit that is ${visit.status}${hint(visit.status, transition.from[0])}`);
  }
  const refused = contractorProblem(command.actor, transition, visit);
  if (refused) return reject('illegal-transition', refused);
  const atInvalid = atProblem(command.at);
  if (atInvalid) return invalid(atInvalid);
  const at = command.at.toISOString();
  const ref = { visitId: visit.visitId, ticketId: visit.ticketId };

  switch (command.type) {
    case 'ScheduleVisit': {
      const problem = technicianProblem(command.technician) ?? windowProblem(command.window, command.at) ?? blank(command.address, 'address');
      if (problem) return invalid(problem);
      return accept({ type: 'support.visit.scheduled.v1', data: { ...ref, ...booking(command.technician, command.window, command.address) } });
    }

    case 'RescheduleVisit': {
      const technician = command.technician ?? (visit.technician as Technician);
      const address = command.address ?? (visit.address as string);
      const problem = technicianProblem(technician) ?? windowProblem(command.window, command.at) ?? blank(address, 'address') ?? blank(command.reason, 'reason');
      if (problem) return invalid(problem);
      return accept({ type: 'support.visit.rescheduled.v1', data: { ...ref, ...booking(technician, command.window, address), reason: command.reason } });
    }

    case 'PrepareVisit': {
      const checklist = command.checklist;
      const problem =
        (checklist ? undefined : 'checklist is required') ??
        names(checklist.tools, 'checklist.tools') ??
        (checklist.tools.length === 0 ? 'checklist.tools must list at least one tool' : undefined) ??
        names(checklist.spareParts, 'checklist.spareParts') ??
        (checklist.addressConfirmed !== true ? 'checklist.addressConfirmed must be true: confirm the address with the customer first' : undefined) ??
        (checklist.deviceStateConfirmed !== true ? 'checklist.deviceStateConfirmed must be true: confirm the device state first' : undefined) ??
        blank(checklist.deviceState, 'checklist.deviceState');
      if (problem) return invalid(problem);
      // preparing late (under 1 h before the appointment, or after it) is allowed: the SLA monitor records the breach
      return accept({
        type: 'support.visit.prepared.v1',
        data: {
          ...ref,
          checklist: {
            tools: [...checklist.tools],
            spareParts: [...checklist.spareParts],
            addressConfirmed: true,
            deviceStateConfirmed: true,
            deviceState: checklist.deviceState,
          },
          preparedAt: at,
          appointmentAt: (visit.appointmentAt as Date).toISOString(),
        },
      });
    }

    case 'CheckIn': {
      const arrivedAt = command.arrivedAt ?? command.at;
      const problem =
        (!validDate(arrivedAt) || arrivedAt > command.at ? 'arrivedAt must be a valid date, not in the future' : undefined) ??
        (command.location ? locationProblem(command.location) : undefined);
      if (problem) return invalid(problem);
      const location = command.location && { latitude: command.location.latitude, longitude: command.location.longitude };
      return accept({ type: 'support.visit.checked-in.v1', data: { ...ref, arrivedAt: arrivedAt.toISOString(), ...optional('location', location) } });
    }

    case 'LogWork': {
      const problem = blank(command.entry, 'entry');
      if (problem) return invalid(problem);
      return accept({ type: 'support.visit.work-logged.v1', data: { ...ref, entry: command.entry, loggedAt: at } });
    }

    case 'CompleteVisit': {
      const problem =
        blank(command.workDone, 'workDone') ??
        (command.customerTested !== true ? 'customerTested must be true: the customer tests the device before the visit is complete' : undefined) ??
        blank(command.usageNotes, 'usageNotes');
      if (problem) return invalid(problem);
      return accept({
        type: 'support.visit.completed.v1',
        data: { ...ref, completedAt: at, workDone: command.workDone, customerTested: true, usageNotes: command.usageNotes },
      });
    }

    case 'SignVisit': {
      const problem =
        blank(command.signerName, 'signerName') ??
        oneOf(command.mediaType, SIGNATURE_MEDIA_TYPES, 'mediaType') ??
        notSha256(command.sha256, 'sha256') ??
        (typeof command.imageBase64 !== 'string' || command.imageBase64.length === 0 ? 'imageBase64 must not be empty' : undefined) ??
        (command.imageBase64.length > MAX_SIGNATURE_BASE64 ? `imageBase64 must be at most ${MAX_SIGNATURE_BASE64} characters (${MAX_SIGNATURE_BYTES} bytes)` : undefined);
      if (problem) return invalid(problem);
      const { signerName, mediaType, sha256, imageBase64 } = command;
      return accept({ type: 'support.visit.signed.v1', data: { ...ref, signedAt: at, signature: { signerName, mediaType, sha256, imageBase64 } } });
    }

    case 'CancelVisit': {
      const problem = blank(command.reason, 'reason');
      if (problem) return invalid(problem);
      return accept({ type: 'support.visit.cancelled.v1', data: { ...ref, reason: command.reason } });
    }
  }
}

// ": it must be prepared first" when a step is missing, ": it is final" after the last one
function hint(status: VisitStatus, needed: VisitStatus): string {
  if (status === 'signed' || status === 'cancelled') return ': it is final';
  return STEPS.indexOf(status) < STEPS.indexOf(needed) ? `: it must be ${DONE[needed]} first` : '';
}

// employees (and roles the HTTP layer already keeps out) may do every step
function contractorProblem(actor: Actor, transition: VisitTransition, visit: Visit): string | undefined {
  if (actor.role !== 'contractor') return undefined;
  if (transition.contractor === 'never') return 'a contractor may not (re)schedule or cancel visits';
  if (visit.technician?.id === actor.id) return undefined;
  return `only the visit's technician may ${transition.verb} this visit, and contractor ${actor.id} is not its technician`;
}

function atProblem(at: Date): string | undefined {
  return validDate(at) ? undefined : 'at must be a valid date';
}

function technicianProblem(technician: Technician | undefined): string | undefined {
  if (!technician) return 'technician is required';
  return blank(technician.id, 'technician.id') ?? oneOf(technician.role, TECHNICIAN_ROLES, 'technician.role');
}

function windowProblem(window: VisitWindow | undefined, at: Date): string | undefined {
  if (!window || !validDate(window.start) || !validDate(window.end)) return 'window.start and window.end must be valid dates';
  if (window.start < at) return 'window.start must not be in the past';
  return window.end > window.start ? undefined : 'window.end must be after window.start';
}

function locationProblem(location: VisitLocation): string | undefined {
  const within = (value: number, limit: number) => typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit;
  if (!within(location.latitude, 90)) return 'location.latitude must be a number from -90 to 90';
  return within(location.longitude, 180) ? undefined : 'location.longitude must be a number from -180 to 180';
}

function booking(technician: Technician, window: VisitWindow, address: string) {
  return {
    technician: { id: technician.id, role: technician.role, ...optional('name', technician.name) },
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    appointmentAt: window.start.toISOString(),
    address,
  };
}
