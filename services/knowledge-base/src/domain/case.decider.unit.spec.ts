import { Actor, FiledCase } from '@support/contracts';
import { foldEvents } from '@support/decider';
import { CaseCommand, FileCase, LinkCase } from './case.commands';
import { caseDecider } from './case.decider';
import { CaseFiledEvent, CaseLinkedEvent, LibraryCaseEvent, LibraryCase } from './case.state';
import { ARTICLE, CASE, catalogueCheckedSpecification, NOW, SCENARIO, service, SHEET, TICKET, VISIT } from '../../test/fixtures/knowledge.test-fixtures';

const spec = catalogueCheckedSpecification(caseDecider);
const fold = (events: LibraryCaseEvent[]) => foldEvents(caseDecider, events) as LibraryCase;

const FILED: FiledCase = {
  caseId: CASE,
  ticketId: TICKET,
  sheetId: SHEET,
  visitId: VISIT,
  kind: 'on-site',
  scenarioId: SCENARIO,
  faultCategory: 'printer',
  sopArticleId: ARTICLE,
  device: 'printer P1',
  problem: 'prints blank pages',
  diagnosis: 'driver corrupted',
  workDone: 'reinstalled the driver',
  result: 'fixed',
};
const REMOTE: FiledCase = {
  caseId: CASE,
  ticketId: TICKET,
  sheetId: SHEET,
  kind: 'remote',
  device: 'laptop',
  problem: 'no sound',
  diagnosis: 'muted',
  workDone: 'unmuted',
  result: 'fixed',
};

const file = (filed: Partial<FiledCase> = {}, f: Partial<Omit<FileCase, 'type'>> = {}): CaseCommand => ({
  type: 'FileCase',
  caseId: CASE,
  actor: service as Actor,
  at: NOW,
  case: { ...FILED, ...filed },
  ...f,
});
const filed: CaseFiledEvent = { type: 'support.case.filed.v1', data: FILED };
const link = (f: Partial<Omit<LinkCase, 'type'>> = {}): CaseCommand => ({ type: 'LinkCase', caseId: CASE, actor: service as Actor, at: NOW, ...f });
const filedRemote: CaseFiledEvent = { type: 'support.case.filed.v1', data: REMOTE };

describe('case decider', () => {
  it('files an approved sheet as a case, and folds it back', () => {
    spec.given([]).when(file()).then([filed]);
    expect(fold([filed])).toStrictEqual({ status: 'filed', ...FILED });
  });

  it('files a remote case without the optional fields, none of them undefined', () => {
    spec
      .given([])
      .when(file({}, { case: REMOTE }))
      .then([{ type: 'support.case.filed.v1', data: REMOTE }]);
    spec
      .given([])
      .when(file({}, { case: { ...REMOTE, visitId: undefined, scenarioId: undefined } }))
      .then([{ type: 'support.case.filed.v1', data: REMOTE }]);
  });

  it('filing it again (the approved sheet redelivered) emits no events', () => {
    spec.given([filed]).when(file()).then([]);
    spec
      .given([filed])
      .when(file({ workDone: 'something else' }))
      .then([]);
  });

  it("emits only the schema's fields, whatever else the case carries", () => {
    spec
      .given([])
      .when(file({ customerName: 'Ms Zhou' } as Partial<FiledCase>))
      .then([filed]);
  });

  const INVALID: Array<[string, CaseCommand, RegExp]> = [
    ['a caseId that is no UUID', file({ caseId: 'c-1' }, { caseId: 'c-1' }), /^caseId must be a UUID$/],
    ['a case whose caseId is not the one given', file({ caseId: 'f0000000-0000-4000-8000-000000000000' }), new RegExp(`^case.caseId must equal caseId \\(${CASE}\\)$`)],
    ['a ticketId that is no UUID', file({ ticketId: 'T-1' }), /^case.ticketId must be a UUID$/],
    ['a sheetId that is no UUID', file({ sheetId: 's-1' }), /^case.sheetId must be a UUID$/],
    ['a visitId that is no UUID', file({ visitId: 'v-1' }), /^case.visitId must be a UUID$/],
    ['an unknown kind', file({ kind: 'phone' as 'remote' }), /^case.kind must be one of remote, on-site$/],
    ['a blank scenario', file({ scenarioId: ' ' }), /^case.scenarioId must not be empty$/],
    ['a blank fault category', file({ faultCategory: '' }), /^case.faultCategory must not be empty$/],
    ['a sopArticleId that is no UUID', file({ sopArticleId: 'sop' }), /^case.sopArticleId must be a UUID$/],
    ['a blank device', file({ device: '' }), /^case.device must not be empty$/],
    ['a blank problem', file({ problem: ' ' }), /^case.problem must not be empty$/],
    ['a blank diagnosis', file({ diagnosis: '' }), /^case.diagnosis must not be empty$/],
    ['blank work done', file({ workDone: '\t' }), /^case.workDone must not be empty$/],
    ['an unknown result', file({ result: 'done' as 'fixed' }), /^case.result must be one of fixed, partially-fixed, not-fixed$/],
    ['no case', file({}, { case: undefined as unknown as FiledCase }), /^case is required$/],
    ['an invalid time', file({}, { at: new Date('nope') }), /^at must be a valid date$/],
  ];
  it.each(INVALID)('refuses %s, naming the field (400)', (_name, command, reason) => {
    spec.given([]).when(command).thenRejects('invalid-command', reason);
  });

  describe('linking a case to what its ticket told later', () => {
    const linked: CaseLinkedEvent = {
      type: 'support.case.linked.v1',
      data: { caseId: CASE, ticketId: TICKET, scenarioId: SCENARIO, faultCategory: 'audio', sopArticleId: ARTICLE },
    };

    it('takes the scenario, fault category and SOP a case filed without them lacks, and folds them in', () => {
      spec
        .given([filedRemote])
        .when(link({ scenarioId: SCENARIO, faultCategory: 'audio', sopArticleId: ARTICLE }))
        .then([linked]);
      expect(fold([filedRemote, linked])).toStrictEqual({ status: 'filed', ...REMOTE, scenarioId: SCENARIO, faultCategory: 'audio', sopArticleId: ARTICLE });
    });

    it('takes only what the case lacks: a link once made stays', () => {
      const withScenario: CaseFiledEvent = { type: 'support.case.filed.v1', data: { ...REMOTE, scenarioId: SCENARIO, faultCategory: 'audio' } };
      spec
        .given([withScenario])
        .when(link({ scenarioId: 'another-scenario', faultCategory: 'video', sopArticleId: ARTICLE }))
        .then([{ type: 'support.case.linked.v1', data: { caseId: CASE, ticketId: TICKET, sopArticleId: ARTICLE } }]);
    });

    it('emits nothing when the case lacks nothing it is given (a redelivered diagnosis, a later resolution naming another SOP)', () => {
      spec
        .given([filed])
        .when(link({ scenarioId: SCENARIO, sopArticleId: 'f0000000-0000-4000-8000-000000000000' }))
        .then([]);
      spec
        .given([filedRemote, linked])
        .when(link({ scenarioId: SCENARIO, faultCategory: 'audio', sopArticleId: ARTICLE }))
        .then([]);
      spec.given([filedRemote]).when(link()).then([]);
    });

    it('refuses a case not filed (404), and values the schema does not allow (400)', () => {
      spec
        .given([])
        .when(link({ scenarioId: SCENARIO }))
        .thenRejects('not-found', new RegExp(`^case ${CASE} is not filed$`));
      spec
        .given([filedRemote])
        .when(link({ sopArticleId: 'sop-1' }))
        .thenRejects('invalid-command', /^sopArticleId must be a UUID$/);
      spec
        .given([filedRemote])
        .when(link({ scenarioId: ' ' }))
        .thenRejects('invalid-command', /^scenarioId must not be empty$/);
      spec
        .given([filedRemote])
        .when(link({ at: new Date('nope') }))
        .thenRejects('invalid-command', /^at must be a valid date$/);
    });

    it('throws on a link before the filing (a bug)', () => {
      expect(() => fold([linked])).toThrow(/linked before it was filed/);
    });
  });

  it('throws on a history that cannot be (bugs, not business outcomes)', () => {
    expect(() => fold([filed, filed])).toThrow(/filed twice/);
    expect(() => caseDecider.decide(file({}, { caseId: 'f0000000-0000-4000-8000-000000000000' }), fold([filed]))).toThrow(/decided on case/);
  });
});
