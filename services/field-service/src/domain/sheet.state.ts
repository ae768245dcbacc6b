import { ServiceKind, SheetContents, SheetEvent, SheetSignature } from '@support/contracts';
import { without } from './checks';

export const SHEET_STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'archived'] as const;
export type SheetStatus = (typeof SHEET_STATUSES)[number];

/** Who wrote the sheet, as the drafted event records them (an actor: id, role, name). */
export interface SheetAuthor {
  readonly id: string;
  readonly role: string;
  readonly name?: string;
}

/** Before `support.sheet.drafted.v1`: the sheet does not exist. */
export interface NoSheet {
  readonly status: 'none';
}

/** A service sheet as its events describe it. */
export interface ServiceSheet {
  readonly sheetId: string;
  readonly ticketId: string;
  /** the visit, for an on-site sheet */
  readonly visitId?: string;
  readonly kind: ServiceKind;
  readonly author: SheetAuthor;
  readonly contents: SheetContents;
  readonly status: SheetStatus;
  /** as last submitted; an on-site sheet needs it to be approved */
  readonly customerSignature?: SheetSignature;
  /** why the last review sent it back; cleared when it is submitted again */
  readonly rejectionReason?: string;
  /** when it was last submitted */
  readonly submittedAt?: Date;
}

/** The decider's state: no sheet yet, or the sheet. */
export type SheetState = NoSheet | ServiceSheet;

export const initialSheetState = (): SheetState => ({ status: 'none' });

export function sheetExists(state: SheetState): state is ServiceSheet {
  return state.status !== 'none';
}

/** Applies one event. Events are facts: each sets its status whatever the status before. */
export function evolveSheet(state: SheetState, event: SheetEvent): SheetState {
  if (event.type === 'support.sheet.drafted.v1') {
    if (sheetExists(state)) throw new Error(`sheet ${state.sheetId} drafted twice`);
    const { sheetId, ticketId, visitId, kind, author, contents } = event.data;
    return { sheetId, ticketId, ...(visitId !== undefined ? { visitId } : {}), kind, author: { ...author }, contents: copyContents(contents), status: 'draft' };
  }
  if (!sheetExists(state)) throw new Error(`${event.type} for a sheet that was never drafted`);

  switch (event.type) {
    case 'support.sheet.revised.v1':
      return { ...state, status: 'draft', contents: copyContents(event.data.contents) };
    case 'support.sheet.submitted.v1': {
      const { customerSignature, submittedAt } = event.data;
      const sheet = without(state, 'customerSignature', 'rejectionReason');
      return { ...sheet, status: 'submitted', submittedAt: new Date(submittedAt), ...(customerSignature ? { customerSignature: { ...customerSignature } } : {}) };
    }
    case 'support.sheet.approved.v1':
      return { ...state, status: 'approved' };
    case 'support.sheet.rejected.v1':
      return { ...state, status: 'rejected', rejectionReason: event.data.reason };
    case 'support.sheet.archived.v1':
      return { ...state, status: 'archived' };
  }
}

/**
 * A copy of exactly the schema's fields: events stay closed objects whatever else a command carried, and
 * the state never shares objects with an event (or a command) a caller may still hold.
 */
export function copyContents(contents: SheetContents): SheetContents {
  const { customer, device, problem, diagnosis, workDone, partsUsed, timeSpentMinutes, result } = contents;
  return {
    customer: { name: customer.name, contact: customer.contact },
    device,
    problem,
    diagnosis,
    workDone,
    partsUsed: partsUsed.map((part) => ({ name: part.name, quantity: part.quantity })),
    timeSpentMinutes,
    result,
  };
}
