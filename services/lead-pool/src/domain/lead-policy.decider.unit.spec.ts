import { LeadPolicyEvent, LeadRatio } from '@support/contracts';
import { foldEvents } from '@support/decider';
import { SetRatios } from './lead-policy.commands';
import { leadPolicyDecider, MAX_ACCEPT_MINUTES } from './lead-policy.decider';
import { LeadPolicy } from './lead-policy.state';
import { agent, analyst, catalogueCheckedSpecification, contractor, deepFreeze, lead, NOW, pool, POLICY, senior } from '../../test/fixtures/leads.test-fixtures';

const spec = catalogueCheckedSpecification(leadPolicyDecider);
const fold = (events: LeadPolicyEvent[]) => foldEvents(leadPolicyDecider, events) as LeadPolicy;

// the studio of DOMAIN.md: the two agents and the senior, 2 : 2 : 1
const STUDIO: LeadRatio[] = [
  { memberId: 'agent-wang', weight: 2 },
  { memberId: 'agent-liu', weight: 2 },
  { memberId: 'senior-li', weight: 1 },
];
const EVEN: LeadRatio[] = STUDIO.map((r) => ({ ...r, weight: 1 }));

const setRatios = (f: Partial<Omit<SetRatios, 'type'>> = {}): SetRatios => ({ type: 'SetRatios', policyId: POLICY, actor: lead, at: NOW, ratios: STUDIO, acceptMinutes: 30, ...f });
const ratiosSet = (version: number, ratios = STUDIO, acceptMinutes = 30): LeadPolicyEvent => ({
  type: 'support.lead.ratios-set.v1',
  data: { policyId: POLICY, version, ratios, acceptMinutes },
});

describe('lead policy decider', () => {
  describe('setting the ratios', () => {
    it('sets version 1, then each setting is the next version', () => {
      spec
        .given([])
        .when(setRatios())
        .then([ratiosSet(1)]);
      spec
        .given([ratiosSet(1)])
        .when(setRatios({ ratios: EVEN, acceptMinutes: 60 }))
        .then([ratiosSet(2, EVEN, 60)]);
      // the same ratios again are still a decision of the lead: a new version
      spec
        .given([ratiosSet(1), ratiosSet(2, EVEN, 60)])
        .when(setRatios())
        .then([ratiosSet(3)]);
    });

    it('folds to the ratios in force, keeping every version', () => {
      expect(fold([ratiosSet(1), ratiosSet(2, EVEN, 60)])).toStrictEqual({
        status: 'set',
        policyId: POLICY,
        policyVersion: 2,
        ratios: EVEN,
        acceptMinutes: 60,
        history: [
          { version: 1, ratios: STUDIO, acceptMinutes: 30 },
          { version: 2, ratios: EVEN, acceptMinutes: 60 },
        ],
      });
    });

    it("emits only the schema's fields of each ratio", () => {
      const sloppy = STUDIO.map((r) => ({ ...r, role: 'agent' })) as LeadRatio[];
      expect(leadPolicyDecider.decide(setRatios({ ratios: sloppy }), fold([]))).toStrictEqual({ ok: true, events: [ratiosSet(1)] });
    });

    it('accepts the limits: 100 members, weight 1000, a week to accept', () => {
      const many = Array.from({ length: 100 }, (_, i) => ({ memberId: `member-${i}`, weight: i === 0 ? 1000 : 1 }));
      spec
        .given([])
        .when(setRatios({ ratios: many, acceptMinutes: MAX_ACCEPT_MINUTES }))
        .then([ratiosSet(1, many, 7 * 24 * 60)]);
    });
  });

  describe('who may (409)', () => {
    it.each([senior, agent, contractor, analyst, pool])('refuses $role $id', (actor) => {
      spec
        .given([ratiosSet(1)])
        .when(setRatios({ actor }))
        .thenRejects('illegal-transition', /^only a lead sets the lead-pool ratios$/);
    });
  });

  describe('values (400)', () => {
    const INVALID: Array<[string, Partial<SetRatios>, RegExp]> = [
      ['an invalid time', { at: new Date('x') }, /^at must be a valid date$/],
      ['a blank policy id', { policyId: ' ' }, /^policyId must not be empty$/],
      ['no ratios', { ratios: [] }, /^ratios must list at least one member$/],
      ['ratios that are no list', { ratios: undefined }, /^ratios must list at least one member$/],
      ['101 members', { ratios: Array.from({ length: 101 }, (_, i) => ({ memberId: `m-${i}`, weight: 1 })) }, /^ratios must list at most 100 members$/],
      ['a blank member', { ratios: [STUDIO[0], { memberId: ' ', weight: 1 }] }, /^ratios\[1\].memberId must not be empty$/],
      ['a long member id', { ratios: [{ memberId: 'x'.repeat(101), weight: 1 }] }, /^ratios\[0\].memberId must be at most 100 characters$/],
      ['a member listed twice', { ratios: [...STUDIO, { memberId: 'agent-liu', weight: 3 }] }, /^ratios\[3\].memberId agent-liu is listed twice$/],
      ['a weight of 0', { ratios: [{ memberId: 'agent-wang', weight: 0 }] }, /^ratios\[0\].weight must be an integer from 1 to 1000$/],
      ['a weight over 1000', { ratios: [{ memberId: 'agent-wang', weight: 1001 }] }, /^ratios\[0\].weight must be an integer from 1 to 1000$/],
      ['a fractional weight', { ratios: [STUDIO[0], { memberId: 'senior-li', weight: 0.5 }] }, /^ratios\[1\].weight must be an integer from 1 to 1000$/],
      ['a ratio that is no object', { ratios: [null as unknown as LeadRatio] }, /^ratios\[0\] must be a member and a weight$/],
      ['0 minutes to accept', { acceptMinutes: 0 }, /^acceptMinutes must be an integer from 1 to 10080$/],
      ['more than a week to accept', { acceptMinutes: 10_081 }, /^acceptMinutes must be an integer from 1 to 10080$/],
      ['fractional minutes', { acceptMinutes: 2.5 }, /^acceptMinutes must be an integer from 1 to 10080$/],
    ];
    it.each(INVALID)('refuses %s, naming the field', (_name, fields, reason) => {
      spec.given([]).when(setRatios(fields)).thenRejects('invalid-command', reason);
    });
  });

  describe('state and bugs', () => {
    it('decide never mutates the state', () => {
      const state = deepFreeze(fold([ratiosSet(1)]));
      expect(leadPolicyDecider.decide(setRatios({ ratios: EVEN }), state)).toMatchObject({ ok: true, events: [{ data: { version: 2 } }] });
    });

    it('throws on a history that cannot be (bugs, not business outcomes)', () => {
      expect(() => fold([ratiosSet(2)])).toThrow(/version 2 where 1 was next/);
      expect(() => fold([ratiosSet(1), ratiosSet(1)])).toThrow(/version 1 where 2 was next/);
      expect(() => leadPolicyDecider.decide(setRatios({ policyId: 'other-team' }), fold([ratiosSet(1)]))).toThrow(/decided on lead policy studio/);
    });
  });
});
