import { Actor, SERVICE_KINDS, SERVICE_RESULTS, SheetContents, SheetEvent, SheetSignature } from '@support/contracts';
import { accept, Decider, Decision, reject } from '@support/decider';
import { blank, invalid, notSha256, notUuid, oneOf, optional, validDate } from './checks';
import { SheetCommand, SheetCommandType } from './sheet.commands';
import { copyContents, evolveSheet, initialSheetState, ServiceSheet, SheetState, SheetStatus } from './sheet.state';

/** as the event schema: at most this many parts, and this much time */
export const MAX_PARTS = 100;
export const MAX_TIME_SPENT_MINUTES = 100_000;

interface SheetTransition {
  /** for rejections: "cannot <verb> a sheet that is <status>" */
  verb: string;
  /** the statuses the command is legal in */
  from: readonly SheetStatus[];
  /** why not, for a status the command is not legal in */
  hints?: Partial<Record<SheetStatus, string>>;
}

const NOT_YET_SUBMITTED = { draft: 'it must be submitted first', rejected: 'it must be revised and submitted first' };

/** Which command is legal in which status; evolve sets the status each event leads to. */
export const SHEET_TRANSITIONS: Readonly<Record<Exclude<SheetCommandType, 'DraftSheet'>, SheetTransition>> = {
  ReviseSheet: { verb: 'revise', from: ['draft', 'rejected'], hints: { submitted: 'it is under review' } },
  SubmitSheet: { verb: 'submit', from: ['draft'], hints: { rejected: 'revise the rejected sheet before submitting it again' } },
  ApproveSheet: { verb: 'approve', from: ['submitted'], hints: NOT_YET_SUBMITTED },
  RejectSheet: { verb: 'reject', from: ['submitted'], hints: NOT_YET_SUBMITTED },
  ArchiveSheet: {
    verb: 'archive',
    from: ['approved'],
    hints: { draft: 'it must be approved first', submitted: 'it must be approved first', rejected: 'it must be approved first' },
  },
};

/**
 * The ServiceSheet decider. Order of checks as in intake's ticket decider: the sheet must exist
 * (`not-found`), the command must be legal in its status and for this actor (author, reviewer;
 * `illegal-transition`, 409), then its values must hold (`invalid-command`, 400).
 */
export const sheetDecider: Decider<SheetCommand, SheetEvent, SheetState> = {
  decide: decideSheet,
  evolve: evolveSheet,
  initialState: initialSheetState,
};

export function decideSheet(command: SheetCommand, state: SheetState): Decision<SheetEvent> {
  if (command.type === 'DraftSheet') {
    if (state.status !== 'none') return reject('illegal-transition', `sheet ${command.sheetId} already exists (it is ${state.status})`);
    const problem =
      atProblem(command.at) ??
      notUuid(command.sheetId, 'sheetId') ??
      notUuid(command.ticketId, 'ticketId') ??
      oneOf(command.kind, SERVICE_KINDS, 'kind') ??
      visitProblem(command.kind, command.visitId) ??
      blank(command.actor?.id, 'actor.id') ??
      contentsProblem(command.contents);
    if (problem) return invalid(problem);
    const { actor } = command;
    return accept({
      type: 'support.sheet.drafted.v1',
      data: {
        sheetId: command.sheetId,
        ticketId: command.ticketId,
        ...optional('visitId', command.visitId),
        kind: command.kind,
        author: { id: actor.id, role: actor.role, ...optional('name', actor.name) },
        contents: copyContents(command.contents),
      },
    });
  }

  if (state.status === 'none') return reject('not-found', `sheet ${command.sheetId} does not exist`);
  if (state.sheetId !== command.sheetId) {
    // the caller loaded the wrong stream: a bug, not a business outcome
    throw new Error(`command for sheet ${command.sheetId} decided on sheet ${state.sheetId}`);
  }
  const sheet = state;
  const transition = SHEET_TRANSITIONS[command.type];
  if (!transition.from.includes(sheet.status)) {
    const why = sheet.status === 'archived' ? 'it is final' : transition.hints?.[sheet.status];
    return reject('illegal-transition', `cannot ${transition.verb} a sheet that is ${sheet.status}${why ? `: ${why}` : ''}`);
  }
  const refused = actorProblem(command, sheet);
  if (refused) return reject('illegal-transition', refused);
  const atInvalid = atProblem(command.at);
  if (atInvalid) return invalid(atInvalid);
  const ref = { sheetId: sheet.sheetId, ticketId: sheet.ticketId, ...optional('visitId', sheet.visitId) };

  switch (command.type) {
    case 'ReviseSheet': {
      const problem = contentsProblem(command.contents);
      if (problem) return invalid(problem);
      return accept({ type: 'support.sheet.revised.v1', data: { ...ref, contents: copyContents(command.contents) } });
    }

    case 'SubmitSheet': {
      const signature = command.customerSignature;
      // the SLA counts from submission, so an on-site sheet may go before the visit is signed; it cannot be approved then
      const problem =
        signature && sheet.kind === 'remote' ? 'customerSignature is only for on-site sheets: a remote service is not signed on site' : signature && signatureProblem(signature);
      if (problem) return invalid(problem);
      return accept({
        type: 'support.sheet.submitted.v1',
        data: {
          ...ref,
          kind: sheet.kind,
          contents: copyContents(sheet.contents),
          submittedAt: command.at.toISOString(),
          ...optional('customerSignature', signature && signatureOf(signature)),
        },
      });
    }

    case 'ApproveSheet': {
      if (sheet.kind === 'on-site' && !sheet.customerSignature) {
        return reject('illegal-transition', "an on-site sheet needs the customer's signature before approval");
      }
      if (command.note !== undefined && typeof command.note !== 'string') return invalid('note must be text');
      return accept({
        type: 'support.sheet.approved.v1',
        data: {
          ...ref,
          kind: sheet.kind,
          contents: copyContents(sheet.contents),
          author: { id: sheet.author.id, role: sheet.author.role, ...optional('name', sheet.author.name) },
          ...optional('customerSignature', sheet.customerSignature && signatureOf(sheet.customerSignature)),
          ...optional('note', command.note),
        },
      });
    }

    case 'RejectSheet': {
      const problem = blank(command.reason, 'reason');
      if (problem) return invalid(problem);
      return accept({ type: 'support.sheet.rejected.v1', data: { ...ref, reason: command.reason } });
    }

    case 'ArchiveSheet':
      return accept({ type: 'support.sheet.archived.v1', data: ref });
  }
}

// who may do what: the author (or a lead) revises; a lead or a senior (not on their own sheet) reviews
// and archives. Submitting is open to whoever may reach the sheet.
function actorProblem(command: Exclude<SheetCommand, { type: 'DraftSheet' }>, sheet: ServiceSheet): string | undefined {
  const { actor } = command;
  switch (command.type) {
    case 'ReviseSheet':
      return actor.role === 'lead' || actor.id === sheet.author.id ? undefined : `only the sheet's author (${sheet.author.id}) or a lead may revise it`;
    case 'ApproveSheet':
      return reviewerProblem(actor, sheet, 'approve');
    case 'RejectSheet':
      return reviewerProblem(actor, sheet, 'review');
    case 'ArchiveSheet':
      return actor.role === 'lead' || actor.role === 'senior' ? undefined : `${aRole(actor)} may not archive service sheets: only a lead or a senior may`;
    case 'SubmitSheet':
      return undefined;
  }
}

function reviewerProblem(actor: Actor, sheet: ServiceSheet, verb: 'approve' | 'review'): string | undefined {
  if (actor.role === 'lead') return undefined;
  if (actor.role !== 'senior') return `${aRole(actor)} may not review service sheets`;
  return actor.id === sheet.author.id ? `a senior may not ${verb} their own sheet` : undefined;
}

const aRole = (actor: Actor) => `${/^[aeiou]/.test(actor.role) ? 'an' : 'a'} ${actor.role}`;

function atProblem(at: Date): string | undefined {
  return validDate(at) ? undefined : 'at must be a valid date';
}

function visitProblem(kind: string, visitId: string | undefined): string | undefined {
  if (kind === 'on-site') return visitId === undefined ? 'visitId is required for an on-site sheet' : notUuid(visitId, 'visitId');
  return visitId === undefined ? undefined : 'visitId must be absent for a remote sheet: only an on-site sheet has a visit';
}

/** The content rules of a draft or a revision; exported for callers that want to check before sending. */
export function contentsProblem(contents: SheetContents | undefined): string | undefined {
  if (!contents || typeof contents !== 'object') return 'contents is required';
  const { customer, partsUsed, timeSpentMinutes } = contents;
  return (
    blank(customer?.name, 'contents.customer.name') ??
    blank(customer?.contact, 'contents.customer.contact') ??
    blank(contents.device, 'contents.device') ??
    blank(contents.problem, 'contents.problem') ??
    blank(contents.diagnosis, 'contents.diagnosis') ??
    blank(contents.workDone, 'contents.workDone') ??
    partsProblem(partsUsed) ??
    (Number.isInteger(timeSpentMinutes) && timeSpentMinutes >= 0 && timeSpentMinutes <= MAX_TIME_SPENT_MINUTES
      ? undefined
      : `contents.timeSpentMinutes must be a non-negative integer (at most ${MAX_TIME_SPENT_MINUTES})`) ??
    oneOf(contents.result, SERVICE_RESULTS, 'contents.result')
  );
}

function partsProblem(parts: SheetContents['partsUsed']): string | undefined {
  if (!Array.isArray(parts)) return 'contents.partsUsed must be a list (possibly empty)';
  if (parts.length > MAX_PARTS) return `contents.partsUsed must have at most ${MAX_PARTS} entries`;
  for (const [i, part] of parts.entries()) {
    const problem =
      blank(part?.name, `contents.partsUsed[${i}].name`) ??
      (Number.isInteger(part.quantity) && part.quantity > 0 ? undefined : `contents.partsUsed[${i}].quantity must be a positive integer`);
    if (problem) return problem;
  }
  return undefined;
}

// RFC 3339 with an offset, as the schemas' date-time format wants
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function signatureProblem(signature: SheetSignature): string | undefined {
  return (
    blank(signature.signerName, 'customerSignature.signerName') ??
    notSha256(signature.sha256, 'customerSignature.sha256') ??
    (typeof signature.signedAt === 'string' && DATE_TIME.test(signature.signedAt) && validDate(new Date(signature.signedAt))
      ? undefined
      : 'customerSignature.signedAt must be an ISO 8601 date-time')
  );
}

// exactly the schema's fields, the time normalised to UTC as every other time in the events
const signatureOf = (signature: SheetSignature): SheetSignature => ({
  signerName: signature.signerName,
  sha256: signature.sha256,
  signedAt: new Date(signature.signedAt).toISOString(),
});
