import { Actor, ServiceKind, SheetContents, SheetSignature } from '@support/contracts';

/** What every sheet command carries: the sheet, who asks, and the injected time of the request. */
interface SheetCommandBase<Type extends string> {
  type: Type;
  sheetId: string;
  actor: Actor;
  /** now, from the injected clock: the decider never reads a clock */
  at: Date;
}

/** Creates the sheet; the actor is its author. An on-site sheet names its visit, a remote one none. */
export interface DraftSheet extends SheetCommandBase<'DraftSheet'> {
  ticketId: string;
  visitId?: string;
  kind: ServiceKind;
  contents: SheetContents;
}

/** The whole new contents, not a patch. */
export interface ReviseSheet extends SheetCommandBase<'ReviseSheet'> {
  contents: SheetContents;
}

/** Sends the sheet for review; the application passes the visit's signature once the visit is signed. */
export interface SubmitSheet extends SheetCommandBase<'SubmitSheet'> {
  customerSignature?: SheetSignature;
}

export interface ApproveSheet extends SheetCommandBase<'ApproveSheet'> {
  note?: string;
}

export interface RejectSheet extends SheetCommandBase<'RejectSheet'> {
  reason: string;
}

export type ArchiveSheet = SheetCommandBase<'ArchiveSheet'>;

export type SheetCommand = DraftSheet | ReviseSheet | SubmitSheet | ApproveSheet | RejectSheet | ArchiveSheet;

export type SheetCommandType = SheetCommand['type'];

export const SHEET_COMMAND_TYPES = ['DraftSheet', 'ReviseSheet', 'SubmitSheet', 'ApproveSheet', 'RejectSheet', 'ArchiveSheet'] as const satisfies readonly SheetCommandType[];
