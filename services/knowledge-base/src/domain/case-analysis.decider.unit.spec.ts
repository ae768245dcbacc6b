import { Actor } from '@support/contracts';
import { foldEvents } from '@support/decider';
import { CASE_ANALYSIS_COMMAND_TYPES, CaseAnalysisCommand, CaseAnalysisCommandType } from './case-analysis.commands';
import { caseAnalysisDecider } from './case-analysis.decider';
import { CaseAnalysis, CaseAnalysisEvent } from './case-analysis.state';
import {
  agent,
  ANALYSIS,
  ARTICLE,
  catalogueCheckedSpecification,
  contractor,
  hoursAfter,
  lead,
  NOW,
  SCENARIO,
  senior,
  service,
  TICKET,
} from '../../test/fixtures/knowledge.test-fixtures';

const spec = catalogueCheckedSpecification(caseAnalysisDecider);
const fold = (events: CaseAnalysisEvent[]) => foldEvents(caseAnalysisDecider, events) as CaseAnalysis;

const CLOSED_AT = hoursAfter(NOW, 50);
type Fields<T extends CaseAnalysisCommandType> = Partial<Omit<Extract<CaseAnalysisCommand, { type: T }>, 'type'>>;
const base = { analysisId: ANALYSIS, actor: service as Actor, at: NOW };
// the diagnosis names the scenario in its own words: not (yet) a catalogue slug
const open = (f: Fields<'OpenAnalysis'> = {}): CaseAnalysisCommand => ({
  type: 'OpenAnalysis',
  ...base,
  ticketId: TICKET,
  reason: 'new-scenario',
  scenarioId: 'Printer driver crash',
  faultCategory: 'printer',
  ...f,
});
const close = (f: Fields<'CloseAnalysis'> = {}): CaseAnalysisCommand => ({
  type: 'CloseAnalysis',
  ...base,
  actor: senior,
  at: CLOSED_AT,
  conclusion: 'a driver update breaks it; new SOP',
  ...f,
});

const ref = { analysisId: ANALYSIS, ticketId: TICKET };
const opened: CaseAnalysisEvent = {
  type: 'support.case.analysis-opened.v1',
  data: { ...ref, reason: 'new-scenario', scenarioId: 'Printer driver crash', faultCategory: 'printer', openedAt: NOW.toISOString() },
};
const closed: CaseAnalysisEvent = {
  type: 'support.case.analysis-closed.v1',
  data: { ...ref, conclusion: 'a driver update breaks it; new SOP', closedAt: CLOSED_AT.toISOString() },
};
const closedWithSop: CaseAnalysisEvent = { type: 'support.case.analysis-closed.v1', data: { ...closed.data, articleId: ARTICLE, scenarioId: SCENARIO } };

describe('case analysis decider', () => {
  it('knows every command type', () => {
    expect([...CASE_ANALYSIS_COMMAND_TYPES].sort()).toEqual(['CloseAnalysis', 'OpenAnalysis']);
  });

  describe('the happy path', () => {
    it('the service opens it on a new scenario; a senior closes it with the SOP and the catalogue scenario', () => {
      spec.given([]).when(open()).then([opened]);
      expect(fold([opened])).toStrictEqual({ ...ref, reason: 'new-scenario', scenarioId: 'Printer driver crash', faultCategory: 'printer', status: 'open', openedAt: NOW });
      spec
        .given([opened])
        .when(close({ articleId: ARTICLE, scenarioId: SCENARIO }))
        .then([closedWithSop]);
      expect(fold([opened, closedWithSop])).toStrictEqual({
        ...ref,
        reason: 'new-scenario',
        scenarioId: SCENARIO,
        faultCategory: 'printer',
        status: 'closed',
        openedAt: NOW,
        conclusion: 'a driver update breaks it; new SOP',
        articleId: ARTICLE,
        closedAt: CLOSED_AT,
      });
    });

    it('a lead opens one for a complex case; closing without an article keeps the scenario it was opened for', () => {
      spec
        .given([])
        .when(open({ actor: lead, reason: 'complex-case' }))
        .then([{ ...opened, data: { ...opened.data, reason: 'complex-case' } } as CaseAnalysisEvent]);
      spec
        .given([opened])
        .when(close({ actor: lead }))
        .then([closed]);
      expect(fold([opened, closed])).toMatchObject({ status: 'closed', scenarioId: 'Printer driver crash', closedAt: CLOSED_AT });
      expect(fold([opened, closed])).not.toHaveProperty('articleId');
    });
  });

  describe('status and who may (409, 404)', () => {
    const REFUSED: Array<[string, CaseAnalysisEvent[], CaseAnalysisCommand, RegExp]> = [
      ['opening twice', [opened], open(), /^case analysis .+ already exists \(it is open\)$/],
      ['closing twice', [opened, closed], close(), /^cannot close a case analysis that is closed: it is final$/],
      ['an agent opening', [], open({ actor: agent }), /^only a lead or senior opens a case analysis$/],
      ['a contractor opening', [], open({ actor: contractor }), /^only a lead or senior opens a case analysis$/],
      ['an agent closing', [opened], close({ actor: agent }), /^only a lead or senior closes a case analysis$/],
      ['the service closing', [opened], close({ actor: service }), /^only a lead or senior closes a case analysis$/],
    ];
    it.each(REFUSED)('refuses %s', (_name, history, command, reason) => {
      spec.given(history).when(command).thenRejects('illegal-transition', reason);
    });

    it('closing needs an existing analysis (404)', () => {
      spec
        .given([])
        .when(close())
        .thenRejects('not-found', new RegExp(`^case analysis ${ANALYSIS} does not exist$`));
    });

    it('checks the status before who asks, and who asks before the values', () => {
      spec
        .given([opened, closed])
        .when(close({ actor: agent, conclusion: '' }))
        .thenRejects('illegal-transition', /it is final/);
      spec
        .given([opened])
        .when(close({ actor: agent, conclusion: '' }))
        .thenRejects('illegal-transition', /^only a lead or senior/);
    });
  });

  describe('values (400)', () => {
    const INVALID: Array<[string, CaseAnalysisEvent[], CaseAnalysisCommand, RegExp]> = [
      ['an analysisId that is no UUID', [], open({ analysisId: 'a-1' }), /^analysisId must be a UUID$/],
      ['a ticketId that is no UUID', [], open({ ticketId: 'T-1' }), /^ticketId must be a UUID$/],
      ['an unknown reason', [], open({ reason: 'curious' as 'new-scenario' }), /^reason must be one of new-scenario, complex-case$/],
      ['a blank scenario', [], open({ scenarioId: ' ' }), /^scenarioId must not be empty$/],
      ['a blank fault category', [], open({ faultCategory: '' }), /^faultCategory must not be empty$/],
      ['an invalid time', [], open({ at: new Date('nope') }), /^at must be a valid date$/],
      ['a blank conclusion', [opened], close({ conclusion: '  ' }), /^conclusion must not be empty$/],
      ['an articleId that is no UUID', [opened], close({ articleId: 'sop-1' }), /^articleId must be a UUID$/],
      ['a catalogue scenario that is no slug', [opened], close({ scenarioId: 'Printer driver crash' }), /^scenarioId must be a lower-case slug/],
    ];
    it.each(INVALID)('refuses %s, naming the field', (_name, history, command, reason) => {
      spec.given(history).when(command).thenRejects('invalid-command', reason);
    });
  });

  describe('state and bugs', () => {
    it('throws on a history that cannot be (bugs, not business outcomes)', () => {
      expect(() => fold([opened, opened])).toThrow(/opened twice/);
      expect(() => fold([closed])).toThrow(/never opened/);
      expect(() => caseAnalysisDecider.decide(close({ analysisId: 'f0000000-0000-4000-8000-000000000000' }), fold([opened]))).toThrow(/decided on case analysis/);
    });
  });
});
