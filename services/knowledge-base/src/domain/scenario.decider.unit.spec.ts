import { Actor, ScenarioEvent } from '@support/contracts';
import { foldEvents } from '@support/decider';
import { agent, ARTICLE, catalogueCheckedSpecification, contractor, lead, NOW, OTHER_ARTICLE, SCENARIO, senior } from '../../test/fixtures/knowledge.test-fixtures';
import { SCENARIO_COMMAND_TYPES, ScenarioCommand, ScenarioCommandType } from './scenario.commands';
import { scenarioDecider } from './scenario.decider';
import { CatalogueScenario } from './scenario.state';

const spec = catalogueCheckedSpecification(scenarioDecider);
const fold = (events: ScenarioEvent[]) => foldEvents(scenarioDecider, events) as CatalogueScenario;

type Fields<T extends ScenarioCommandType> = Partial<Omit<Extract<ScenarioCommand, { type: T }>, 'type'>>;
const base = { scenarioId: SCENARIO, actor: senior as Actor, at: NOW };
const define = (f: Fields<'DefineScenario'> = {}): ScenarioCommand => ({
  type: 'DefineScenario',
  ...base,
  faultCategory: 'printer',
  name: 'Reinstall the printer driver',
  fixed: false,
  ...f,
});
const change = (f: Fields<'ChangeScenario'> = {}): ScenarioCommand => ({ type: 'ChangeScenario', ...base, ...f });

const SCENARIO_DATA = { scenarioId: SCENARIO, faultCategory: 'printer', name: 'Reinstall the printer driver', fixed: false };
const defined: ScenarioEvent = { type: 'support.scenario.defined.v1', data: SCENARIO_DATA };
const changed = (f: Partial<typeof SCENARIO_DATA & { sopArticleId: string }>): ScenarioEvent => ({ type: 'support.scenario.changed.v1', data: { ...SCENARIO_DATA, ...f } });
const FIXED = [defined, changed({ fixed: true, sopArticleId: ARTICLE })];

describe('scenario decider', () => {
  it('knows every command type', () => {
    expect([...SCENARIO_COMMAND_TYPES].sort()).toEqual(['ChangeScenario', 'DefineScenario']);
  });

  describe('the happy path', () => {
    it('a senior defines a scenario; the lead marks it fixed with its SOP; the whole scenario is in each event', () => {
      spec.given([]).when(define()).then([defined]);
      spec
        .given([defined])
        .when(change({ actor: lead, fixed: true, sopArticleId: ARTICLE }))
        .then([changed({ fixed: true, sopArticleId: ARTICLE })]);
      spec
        .given(FIXED)
        .when(change({ name: 'Reinstall a printer driver' }))
        .then([changed({ name: 'Reinstall a printer driver', fixed: true, sopArticleId: ARTICLE })]);
      expect(fold(FIXED)).toStrictEqual({ status: 'defined', ...SCENARIO_DATA, fixed: true, sopArticleId: ARTICLE });
    });

    it('a lead defines a fixed scenario with its SOP at once', () => {
      spec
        .given([])
        .when(define({ actor: lead, fixed: true, sopArticleId: ARTICLE }))
        .then([{ type: 'support.scenario.defined.v1', data: { ...SCENARIO_DATA, fixed: true, sopArticleId: ARTICLE } }]);
    });

    it('a senior changes the SOP and the category of a fixed scenario, and may un-fix it', () => {
      spec
        .given(FIXED)
        .when(change({ sopArticleId: OTHER_ARTICLE, faultCategory: 'printing' }))
        .then([changed({ fixed: true, sopArticleId: OTHER_ARTICLE, faultCategory: 'printing' })]);
      spec
        .given(FIXED)
        .when(change({ fixed: false }))
        .then([changed({ fixed: false, sopArticleId: ARTICLE })]);
    });

    it.each([
      ['nothing given', change()],
      ['the same values', change({ name: 'Reinstall the printer driver', faultCategory: 'printer', fixed: true, sopArticleId: ARTICLE })],
      ['fixed again, by a senior', change({ fixed: true })],
    ])('a change that changes nothing (%s) emits no events', (_name, command) => {
      spec.given(FIXED).when(command).then([]);
    });

    it("emits only the schema's fields, whatever else a command carries", () => {
      spec
        .given([])
        .when({ ...define(), extra: 1 } as unknown as ScenarioCommand)
        .then([defined]);
    });
  });

  describe('status and who may (409, 404)', () => {
    it('refuses defining a scenario twice', () => {
      spec
        .given([defined])
        .when(define())
        .thenRejects('illegal-transition', new RegExp(`^scenario ${SCENARIO} already exists$`));
    });

    it('a change needs an existing scenario (404)', () => {
      spec
        .given([])
        .when(change({ name: 'x' }))
        .thenRejects('not-found', new RegExp(`^scenario ${SCENARIO} does not exist$`));
    });

    const REFUSED: Array<[string, ScenarioEvent[], ScenarioCommand, RegExp]> = [
      ['a senior defining a fixed scenario', [], define({ fixed: true }), /^only a lead may mark a scenario fixed \(contractor-safe\)$/],
      ['a senior marking a scenario fixed', [defined], change({ fixed: true }), /^only a lead may mark a scenario fixed \(contractor-safe\)$/],
      ['an agent defining a scenario', [], define({ actor: agent }), /^an agent may not change the scenario catalogue: only a lead or a senior may$/],
      ['a contractor changing a scenario', [defined], change({ actor: contractor, name: 'x' }), /^a contractor may not change the scenario catalogue/],
      ['an agent changing nothing', FIXED, change({ actor: agent }), /^an agent may not change the scenario catalogue/],
    ];
    it.each(REFUSED)('refuses %s', (_name, history, command, reason) => {
      spec.given(history).when(command).thenRejects('illegal-transition', reason);
    });

    it('checks who asks before the values', () => {
      spec
        .given([])
        .when(define({ actor: agent, scenarioId: 'Not A Slug' }))
        .thenRejects('illegal-transition', /^an agent may not/);
      spec
        .given([defined])
        .when(change({ fixed: true, name: '' }))
        .thenRejects('illegal-transition', /^only a lead may mark/);
    });
  });

  describe('values (400)', () => {
    const INVALID: Array<[string, ScenarioEvent[], ScenarioCommand, RegExp]> = [
      [
        'a scenarioId with capitals and spaces',
        [],
        define({ scenarioId: 'Printer Driver' }),
        /^scenarioId must be a lower-case slug \(a-z, 0-9, single hyphens\) of at most 100 characters$/,
      ],
      ['a scenarioId ending in a hyphen', [], define({ scenarioId: 'printer-' }), /^scenarioId must be a lower-case slug/],
      ['a scenarioId over 100 characters', [], define({ scenarioId: 'a'.repeat(101) }), /^scenarioId must be a lower-case slug/],
      ['a blank fault category', [], define({ faultCategory: ' ' }), /^faultCategory must not be empty$/],
      ['a fault category over 100 characters', [], define({ faultCategory: 'x'.repeat(101) }), /^faultCategory must be at most 100 characters$/],
      ['a missing name', [], define({ name: undefined }), /^name must not be empty$/],
      ['a name over 300 characters', [], define({ name: 'x'.repeat(301) }), /^name must be at most 300 characters$/],
      ['a missing fixed', [], define({ fixed: undefined }), /^fixed must be true or false$/],
      ['a sopArticleId that is no UUID', [], define({ sopArticleId: 'sop-1' }), /^sopArticleId must be a UUID$/],
      ['an invalid time', [], define({ at: new Date(Number.NaN) }), /^at must be a valid date$/],
      ['a change to a blank name', [defined], change({ name: '' }), /^name must not be empty$/],
      ['a change to a blank fault category', [defined], change({ faultCategory: '  ' }), /^faultCategory must not be empty$/],
      ['a change of fixed to no boolean', [defined], change({ fixed: 'no' as unknown as boolean }), /^fixed must be true or false$/],
      ['a change to a sopArticleId that is no UUID', [defined], change({ sopArticleId: 'x' }), /^sopArticleId must be a UUID$/],
    ];
    it.each(INVALID)('refuses %s, naming the field', (_name, history, command, reason) => {
      spec.given(history).when(command).thenRejects('invalid-command', reason);
    });
  });

  describe('state and bugs', () => {
    it('throws on a history that cannot be (bugs, not business outcomes)', () => {
      expect(() => fold([defined, defined])).toThrow(/defined twice/);
      expect(() => fold([changed({})])).toThrow(/never defined/);
      expect(() => scenarioDecider.decide(change({ scenarioId: 'other-scenario', name: 'x' }), fold([defined]))).toThrow(/decided on scenario/);
    });
  });
});
