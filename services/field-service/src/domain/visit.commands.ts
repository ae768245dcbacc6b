import { Actor, SignatureMediaType, Technician } from '@support/contracts';

/** What every visit command carries: the visit, who asks, and the injected time of the request. */
interface VisitCommandBase<Type extends string> {
  type: Type;
  visitId: string;
  actor: Actor;
  /** now, from the injected clock: the decider never reads a clock */
  at: Date;
}

/** When the technician is expected; the appointment is the start. */
export interface VisitWindow {
  start: Date;
  end: Date;
}

/** Where the technician checked in. */
export interface VisitLocation {
  latitude: number;
  longitude: number;
}

/** The checklist as the technician sends it; both confirmations must be true. */
export interface VisitChecklistInput {
  tools: string[];
  spareParts: string[];
  addressConfirmed: boolean;
  deviceStateConfirmed: boolean;
  deviceState: string;
}

/** Creates the visit: the fault cannot be fixed remotely. */
export interface RequestVisit extends VisitCommandBase<'RequestVisit'> {
  ticketId: string;
  reason: string;
}

export interface ScheduleVisit extends VisitCommandBase<'ScheduleVisit'> {
  technician: Technician;
  window: VisitWindow;
  address: string;
}

/** A new booking; an omitted technician or address keeps the current one. Preparation is due again. */
export interface RescheduleVisit extends VisitCommandBase<'RescheduleVisit'> {
  technician?: Technician;
  window: VisitWindow;
  address?: string;
  reason: string;
}

export interface PrepareVisit extends VisitCommandBase<'PrepareVisit'> {
  checklist: VisitChecklistInput;
}

export interface CheckIn extends VisitCommandBase<'CheckIn'> {
  /** defaults to `at` */
  arrivedAt?: Date;
  location?: VisitLocation;
}

export interface LogWork extends VisitCommandBase<'LogWork'> {
  entry: string;
}

export interface CompleteVisit extends VisitCommandBase<'CompleteVisit'> {
  workDone: string;
  customerTested: boolean;
  usageNotes: string;
}

/** The customer's signature; the HTTP layer has decoded the image and computed its sha256. */
export interface SignVisit extends VisitCommandBase<'SignVisit'> {
  signerName: string;
  mediaType: SignatureMediaType;
  imageBase64: string;
  sha256: string;
}

export interface CancelVisit extends VisitCommandBase<'CancelVisit'> {
  reason: string;
}

export type VisitCommand = RequestVisit | ScheduleVisit | RescheduleVisit | PrepareVisit | CheckIn | LogWork | CompleteVisit | SignVisit | CancelVisit;

export type VisitCommandType = VisitCommand['type'];

export const VISIT_COMMAND_TYPES = [
  'RequestVisit',
  'ScheduleVisit',
  'RescheduleVisit',
  'PrepareVisit',
  'CheckIn',
  'LogWork',
  'CompleteVisit',
  'SignVisit',
  'CancelVisit',
] as const satisfies readonly VisitCommandType[];
