import { Actor, SheetContents, SheetEvent, SheetSignature } from '@support/contracts';
import { foldEvents } from '@support/decider';
import { agent, catalogueCheckedSpecification, contractor, deepFreeze, hoursAfter, lead, NOW, senior, SHEET, TICKET, VISIT } from '../../test/fixtures/field.test-fixtures';
import { SHEET_COMMAND_TYPES, SheetCommand, SheetCommandType } from './sheet.commands';
import { sheetDecider } from './sheet.decider';
import { ServiceSheet } from './sheet.state';

const spec = catalogueCheckedSpecification(sheetDecider);
const fold = (events: SheetEvent[]) => foldEvents(sheetDecider, events) as ServiceSheet;

const CONTENTS: SheetContents = {
  customer: { name: 'Ms Zhou', contact: '+86 138 0000 0000' },
  device: 'router X1',
  problem: 'no internet',
  diagnosis: 'power supply failed',
  workDone: 'replaced the router',
  partsUsed: [{ name: 'router X2', quantity: 1 }],
  timeSpentMinutes: 75,
  result: 'fixed',
};
const REVISED: SheetContents = { ...CONTENTS, diagnosis: 'power supply and firmware failed', timeSpentMinutes: 90 };
const SIGNATURE: SheetSignature = { signerName: 'Ms Zhou', sha256: 'ab'.repeat(32), signedAt: '2025-03-04T02:06:00.000Z' };
const SUBMITTED_AT = hoursAfter(NOW, 1);

type Fields<T extends SheetCommandType> = Partial<Omit<Extract<SheetCommand, { type: T }>, 'type'>>;
// the author is the agent; the reviewer a senior who did not write it
const base = { sheetId: SHEET, actor: agent as Actor, at: NOW };
const draft = (f: Fields<'DraftSheet'> = {}): SheetCommand => ({ type: 'DraftSheet', ...base, ticketId: TICKET, visitId: VISIT, kind: 'on-site', contents: CONTENTS, ...f });
const draftRemote = (f: Fields<'DraftSheet'> = {}): SheetCommand => ({ type: 'DraftSheet', ...base, ticketId: TICKET, kind: 'remote', contents: CONTENTS, ...f });
const revise = (f: Fields<'ReviseSheet'> = {}): SheetCommand => ({ type: 'ReviseSheet', ...base, contents: REVISED, ...f });
const submit = (f: Fields<'SubmitSheet'> = {}): SheetCommand => ({ type: 'SubmitSheet', ...base, at: SUBMITTED_AT, customerSignature: SIGNATURE, ...f });
const approve = (f: Fields<'ApproveSheet'> = {}): SheetCommand => ({ type: 'ApproveSheet', ...base, actor: senior, ...f });
const rejectSheet = (f: Fields<'RejectSheet'> = {}): SheetCommand => ({ type: 'RejectSheet', ...base, actor: senior, reason: 'parts list incomplete', ...f });
const archive = (f: Fields<'ArchiveSheet'> = {}): SheetCommand => ({ type: 'ArchiveSheet', ...base, actor: senior, ...f });

const ref = { sheetId: SHEET, ticketId: TICKET, visitId: VISIT };
const remoteRef = { sheetId: SHEET, ticketId: TICKET };
const author = { id: 'agent-wang', role: 'agent', name: 'Wang' };
const drafted: SheetEvent = { type: 'support.sheet.drafted.v1', data: { ...ref, kind: 'on-site', author, contents: CONTENTS } };
const submitted: SheetEvent = {
  type: 'support.sheet.submitted.v1',
  data: { ...ref, kind: 'on-site', contents: CONTENTS, submittedAt: SUBMITTED_AT.toISOString(), customerSignature: SIGNATURE },
};
const submittedUnsigned: SheetEvent = { type: 'support.sheet.submitted.v1', data: { ...ref, kind: 'on-site', contents: CONTENTS, submittedAt: SUBMITTED_AT.toISOString() } };
const approved: SheetEvent = { type: 'support.sheet.approved.v1', data: { ...ref, kind: 'on-site', contents: CONTENTS, author, customerSignature: SIGNATURE } };
const rejected: SheetEvent = { type: 'support.sheet.rejected.v1', data: { ...ref, reason: 'parts list incomplete' } };
const revised: SheetEvent = { type: 'support.sheet.revised.v1', data: { ...ref, contents: REVISED } };
const archived: SheetEvent = { type: 'support.sheet.archived.v1', data: ref };

// the history of an on-site sheet in each status
const DRAFT = [drafted];
const SUBMITTED = [drafted, submitted];
const UNSIGNED = [drafted, submittedUnsigned];
const APPROVED = [...SUBMITTED, approved];
const REJECTED = [...SUBMITTED, rejected];
const ARCHIVED = [...APPROVED, archived];

describe('sheet decider', () => {
  it('knows every command type', () => {
    expect([...SHEET_COMMAND_TYPES].sort()).toEqual(['ApproveSheet', 'ArchiveSheet', 'DraftSheet', 'RejectSheet', 'ReviseSheet', 'SubmitSheet']);
  });

  describe('the happy paths', () => {
    it('on site: draft -> submitted (signed) -> approved -> archived', () => {
      spec.given([]).when(draft()).then([drafted]);
      spec.given(DRAFT).when(submit()).then([submitted]);
      spec.given(SUBMITTED).when(approve()).then([approved]);
      spec.given(APPROVED).when(archive()).then([archived]);
      expect(fold(ARCHIVED)).toStrictEqual({
        sheetId: SHEET,
        ticketId: TICKET,
        visitId: VISIT,
        kind: 'on-site',
        author,
        contents: CONTENTS,
        status: 'archived',
        customerSignature: SIGNATURE,
        submittedAt: SUBMITTED_AT,
      });
    });

    it('remote: draft -> submitted -> rejected -> revised -> submitted -> approved, the events without a visit', () => {
      const remoteDrafted: SheetEvent = { type: 'support.sheet.drafted.v1', data: { ...remoteRef, kind: 'remote', author, contents: CONTENTS } };
      const remoteSubmitted = (contents: SheetContents): SheetEvent => ({
        type: 'support.sheet.submitted.v1',
        data: { ...remoteRef, kind: 'remote', contents, submittedAt: SUBMITTED_AT.toISOString() },
      });
      const remoteRejected: SheetEvent = { type: 'support.sheet.rejected.v1', data: { ...remoteRef, reason: 'parts list incomplete' } };
      const remoteRevised: SheetEvent = { type: 'support.sheet.revised.v1', data: { ...remoteRef, contents: REVISED } };
      const history: SheetEvent[] = [remoteDrafted, remoteSubmitted(CONTENTS), remoteRejected, remoteRevised, remoteSubmitted(REVISED)];

      spec.given([]).when(draftRemote()).then([remoteDrafted]);
      spec
        .given(history.slice(0, 1))
        .when(submit({ customerSignature: undefined }))
        .then([remoteSubmitted(CONTENTS)]);
      spec.given(history.slice(0, 2)).when(rejectSheet()).then([remoteRejected]);
      spec.given(history.slice(0, 3)).when(revise()).then([remoteRevised]);
      spec
        .given(history.slice(0, 4))
        .when(submit({ customerSignature: undefined }))
        .then([remoteSubmitted(REVISED)]);
      spec
        .given(history)
        .when(approve({ actor: lead, note: 'good case for the KB' }))
        .then([{ type: 'support.sheet.approved.v1', data: { ...remoteRef, kind: 'remote', contents: REVISED, author, note: 'good case for the KB' } }]);
      expect(fold(history)).toMatchObject({ status: 'submitted', contents: REVISED });
      expect(fold(history)).not.toHaveProperty('visitId');
    });
  });

  describe('evolve', () => {
    it('keeps the rejection reason while the sheet is revised, and clears it when submitted again', () => {
      expect(fold(REJECTED)).toMatchObject({ status: 'rejected', rejectionReason: 'parts list incomplete' });
      expect(fold([...REJECTED, revised])).toMatchObject({ status: 'draft', contents: REVISED, rejectionReason: 'parts list incomplete' });
      expect(fold([...REJECTED, revised, submittedUnsigned])).not.toHaveProperty('rejectionReason');
    });

    it('takes the signature of the last submission only', () => {
      expect(fold([...REJECTED, revised, submittedUnsigned])).not.toHaveProperty('customerSignature');
      expect(fold(UNSIGNED)).toMatchObject({ status: 'submitted', submittedAt: SUBMITTED_AT });
    });

    it('records the author without a name when the actor had none', () => {
      spec
        .given([])
        .when(draft({ actor: { id: 'contractor-sun', role: 'contractor' } }))
        .then([{ type: 'support.sheet.drafted.v1', data: { ...ref, kind: 'on-site', author: { id: 'contractor-sun', role: 'contractor' }, contents: CONTENTS } }]);
    });

    it("emits only the schema's fields of the contents, whatever else a command carries", () => {
      const sloppy = { ...CONTENTS, secret: 'x', customer: { ...CONTENTS.customer, age: 3 }, partsUsed: [{ name: 'router X2', quantity: 1, price: 9 }] };
      spec
        .given([])
        .when(draft({ contents: sloppy as SheetContents }))
        .then([drafted]);
    });
  });

  describe('status rules (409)', () => {
    const ILLEGAL: Array<[string, SheetEvent[], SheetCommand, RegExp]> = [
      ['drafting twice', DRAFT, draft(), /^sheet .+ already exists \(it is draft\)$/],
      ['revising a sheet under review', SUBMITTED, revise(), /^cannot revise a sheet that is submitted: it is under review$/],
      ['revising an approved sheet', APPROVED, revise(), /^cannot revise a sheet that is approved$/],
      ['submitting a rejected sheet again', REJECTED, submit(), /^cannot submit a sheet that is rejected: revise the rejected sheet before submitting it again$/],
      ['submitting twice', SUBMITTED, submit(), /^cannot submit a sheet that is submitted$/],
      ['approving a draft', DRAFT, approve(), /^cannot approve a sheet that is draft: it must be submitted first$/],
      ['approving a rejected sheet', REJECTED, approve(), /^cannot approve a sheet that is rejected: it must be revised and submitted first$/],
      ['rejecting an approved sheet', APPROVED, rejectSheet(), /^cannot reject a sheet that is approved$/],
      ['archiving a submitted sheet', SUBMITTED, archive(), /^cannot archive a sheet that is submitted: it must be approved first$/],
      ['archiving twice', ARCHIVED, archive(), /^cannot archive a sheet that is archived: it is final$/],
      ['revising an archived sheet', ARCHIVED, revise(), /^cannot revise a sheet that is archived: it is final$/],
    ];
    it.each(ILLEGAL)('refuses %s', (_name, history, command, reason) => {
      spec.given(history).when(command).thenRejects('illegal-transition', reason);
    });

    it.each([revise(), submit(), approve(), rejectSheet(), archive()])('$type needs an existing sheet (404)', (command) => {
      spec
        .given([])
        .when(command)
        .thenRejects('not-found', new RegExp(`^sheet ${SHEET} does not exist$`));
    });

    it("refuses to approve an on-site sheet without the customer's signature, but takes the submission", () => {
      spec
        .given(DRAFT)
        .when(submit({ customerSignature: undefined }))
        .then([submittedUnsigned]);
      spec
        .given(UNSIGNED)
        .when(approve())
        .thenRejects('illegal-transition', /^an on-site sheet needs the customer's signature before approval$/);
      spec
        .given(UNSIGNED)
        .when(approve({ actor: lead }))
        .thenRejects('illegal-transition', /needs the customer's signature/);
      // it can still be rejected, revised and submitted with the signature
      spec.given(UNSIGNED).when(rejectSheet()).then([rejected]);
    });
  });

  describe('who may do what (409)', () => {
    const REFUSED: Array<[string, SheetEvent[], SheetCommand, RegExp]> = [
      ['a contractor approving', SUBMITTED, approve({ actor: contractor }), /^a contractor may not review service sheets$/],
      ['a contractor rejecting', SUBMITTED, rejectSheet({ actor: contractor }), /^a contractor may not review service sheets$/],
      ['an agent approving', SUBMITTED, approve({ actor: { id: 'agent-liu', role: 'agent' } }), /^an agent may not review service sheets$/],
      ['an analyst approving', SUBMITTED, approve({ actor: { id: 'analyst-ma', role: 'analyst' } }), /^an analyst may not review service sheets$/],
      [
        'a senior approving their own sheet',
        [{ ...drafted, data: { ...drafted.data, author: senior } } as SheetEvent, submitted],
        approve(),
        /^a senior may not approve their own sheet$/,
      ],
      [
        'a senior rejecting their own sheet',
        [{ ...drafted, data: { ...drafted.data, author: senior } } as SheetEvent, submitted],
        rejectSheet(),
        /^a senior may not review their own sheet$/,
      ],
      ['an agent archiving', APPROVED, archive({ actor: agent }), /^an agent may not archive service sheets: only a lead or a senior may$/],
      ['a contractor archiving', APPROVED, archive({ actor: contractor }), /^a contractor may not archive service sheets/],
      ['another agent revising', DRAFT, revise({ actor: { id: 'agent-liu', role: 'agent' } }), /^only the sheet's author \(agent-wang\) or a lead may revise it$/],
      ['a senior revising a sheet they did not write', REJECTED, revise({ actor: senior }), /^only the sheet's author \(agent-wang\) or a lead may revise it$/],
    ];
    it.each(REFUSED)('refuses %s', (_name, history, command, reason) => {
      spec.given(history).when(command).thenRejects('illegal-transition', reason);
    });

    it('a lead reviews any sheet, their own too', () => {
      const leadsOwn: SheetEvent[] = [{ ...drafted, data: { ...drafted.data, author: lead } } as SheetEvent, submitted];
      expect(sheetDecider.decide(approve({ actor: lead }), fold(leadsOwn))).toMatchObject({ ok: true });
      expect(sheetDecider.decide(rejectSheet({ actor: lead }), fold(leadsOwn))).toMatchObject({ ok: true });
    });

    it('a lead revises any sheet; the author revises their own', () => {
      spec
        .given(REJECTED)
        .when(revise({ actor: lead }))
        .then([revised]);
      spec.given(DRAFT).when(revise()).then([revised]);
    });

    it('a lead archives too', () => {
      spec
        .given(APPROVED)
        .when(archive({ actor: lead }))
        .then([archived]);
    });
  });

  describe('values (400)', () => {
    const contents = (f: Partial<SheetContents>) => ({ contents: { ...CONTENTS, ...f } });
    const INVALID: Array<[string, SheetEvent[], SheetCommand, RegExp]> = [
      ['an on-site sheet without a visit', [], draft({ visitId: undefined }), /^visitId is required for an on-site sheet$/],
      ['a remote sheet with a visit', [], draftRemote({ visitId: VISIT }), /^visitId must be absent for a remote sheet/],
      ['a visitId that is no UUID', [], draft({ visitId: 'v-1' }), /^visitId must be a UUID$/],
      ['a ticketId that is no UUID', [], draft({ ticketId: 'T-1' }), /^ticketId must be a UUID$/],
      ['a sheetId that is no UUID', [], draft({ sheetId: 's-1' }), /^sheetId must be a UUID$/],
      ['an unknown kind', [], draft({ kind: 'phone' as 'remote' }), /^kind must be one of remote, on-site$/],
      ['a blank customer name', [], draft({ contents: { ...CONTENTS, customer: { name: ' ', contact: 'x' } } }), /^contents.customer.name must not be empty$/],
      ['a blank customer contact', [], draft({ contents: { ...CONTENTS, customer: { name: 'x', contact: '' } } }), /^contents.customer.contact must not be empty$/],
      ['a blank device', [], draft(contents({ device: '' })), /^contents.device must not be empty$/],
      ['a blank problem', [], draft(contents({ problem: ' ' })), /^contents.problem must not be empty$/],
      ['a blank diagnosis', [], draft(contents({ diagnosis: '' })), /^contents.diagnosis must not be empty$/],
      ['blank work done', [], draft(contents({ workDone: '\n' })), /^contents.workDone must not be empty$/],
      [
        'a part of quantity 0',
        [],
        draft(
          contents({
            partsUsed: [
              { name: 'a', quantity: 1 },
              { name: 'b', quantity: 0 },
            ],
          }),
        ),
        /^contents.partsUsed\[1\].quantity must be a positive integer$/,
      ],
      ['a part of quantity 1.5', [], draft(contents({ partsUsed: [{ name: 'a', quantity: 1.5 }] })), /^contents.partsUsed\[0\].quantity must be a positive integer$/],
      ['a part without a name', [], draft(contents({ partsUsed: [{ name: ' ', quantity: 1 }] })), /^contents.partsUsed\[0\].name must not be empty$/],
      ['negative time spent', [], draft(contents({ timeSpentMinutes: -1 })), /^contents.timeSpentMinutes must be a non-negative integer/],
      ['fractional time spent', [], draft(contents({ timeSpentMinutes: 2.5 })), /^contents.timeSpentMinutes must be a non-negative integer/],
      ['an unknown result', [], draft(contents({ result: 'done' as 'fixed' })), /^contents.result must be one of fixed, partially-fixed, not-fixed$/],
      ['a revision with blank work done', DRAFT, revise(contents({ workDone: '' })), /^contents.workDone must not be empty$/],
      [
        'a revision with a part of quantity -2',
        REJECTED,
        revise(contents({ partsUsed: [{ name: 'a', quantity: -2 }] })),
        /^contents.partsUsed\[0\].quantity must be a positive integer$/,
      ],
      [
        'a remote sheet submitted with a signature',
        [{ ...drafted, data: { ...remoteRef, kind: 'remote', author, contents: CONTENTS } } as SheetEvent],
        submit(),
        /^customerSignature is only for on-site sheets/,
      ],
      ['a signature with a blank signer', DRAFT, submit({ customerSignature: { ...SIGNATURE, signerName: '' } }), /^customerSignature.signerName must not be empty$/],
      ['a signature with a bad sha256', DRAFT, submit({ customerSignature: { ...SIGNATURE, sha256: 'xyz' } }), /^customerSignature.sha256 must be 64 lowercase hex digits/],
      ['a signature with a bad time', DRAFT, submit({ customerSignature: { ...SIGNATURE, signedAt: 'yesterday' } }), /^customerSignature.signedAt must be an ISO 8601 date-time$/],
      ['a rejection without a reason', SUBMITTED, rejectSheet({ reason: ' ' }), /^reason must not be empty$/],
      ['an invalid time', DRAFT, submit({ at: new Date(Number.NaN) }), /^at must be a valid date$/],
    ];
    it.each(INVALID)('refuses %s, naming the field', (_name, history, command, reason) => {
      spec.given(history).when(command).thenRejects('invalid-command', reason);
    });

    it('accepts no parts and zero minutes', () => {
      spec
        .given([])
        .when(draft(contents({ partsUsed: [], timeSpentMinutes: 0 })))
        .then([{ ...drafted, data: { ...drafted.data, contents: { ...CONTENTS, partsUsed: [], timeSpentMinutes: 0 } } } as SheetEvent]);
    });

    it('stores a signature time given with an offset in UTC', () => {
      spec
        .given(DRAFT)
        .when(submit({ customerSignature: { ...SIGNATURE, signedAt: '2025-03-04T10:06:00+08:00' } }))
        .then([submitted]);
    });
  });

  describe('state and bugs', () => {
    it('decide never mutates the state', () => {
      const state = deepFreeze(fold(SUBMITTED));
      expect(sheetDecider.decide(approve(), state).ok).toBe(true);
      expect(sheetDecider.decide(rejectSheet(), state).ok).toBe(true);
    });

    it('the state shares no objects with the events', () => {
      const events = structuredClone(APPROVED);
      const sheet = fold(events);
      (events[0].data as { contents: SheetContents }).contents.partsUsed[0].quantity = 99;
      expect(sheet.contents.partsUsed[0].quantity).toBe(1);
    });

    it('throws on a history that cannot be (bugs, not business outcomes)', () => {
      expect(() => fold([drafted, drafted])).toThrow(/drafted twice/);
      expect(() => fold([submitted])).toThrow(/never drafted/);
      expect(() => sheetDecider.decide(archive({ sheetId: 'f0000000-0000-4000-8000-000000000000' }), fold(APPROVED))).toThrow(/decided on sheet/);
    });
  });
});
