import { Actor, eventCatalogue, MEMBER_ROLES, MemberRole, RosterEvent, Tier, TIERS } from '@support/contracts';
import { foldEvents } from '@support/decider';
import { deciderSpecification } from '@support/test-kit';
import { ChangeProfile, MEMBER_COMMAND_TYPES, MemberCommand, RegisterMember } from './member.commands';
import { memberDecider, TIER_OF_ROLE } from './member.decider';
import { Member } from './member.state';

const spec = deciderSpecification(memberDecider);
const NOW = new Date('2025-03-03T01:00:00.000Z');
const lead: Actor = { id: 'lead-zhao', role: 'lead', name: 'Zhao' };
const ID = 'agent-wang';

const register = (fields: Partial<RegisterMember> = {}): RegisterMember => ({
  type: 'RegisterMember',
  memberId: ID,
  role: 'agent',
  name: 'Wang',
  tier: 'L1',
  skills: ['printer', 'network'],
  scenarios: [],
  capacity: 5,
  actor: lead,
  at: NOW,
  ...fields,
});

const changeProfile = (fields: Partial<ChangeProfile> = {}): ChangeProfile => ({
  type: 'ChangeProfile',
  memberId: ID,
  name: 'Wang',
  tier: 'L1',
  skills: ['printer', 'network', 'operating-system'],
  scenarios: [],
  capacity: 6,
  actor: lead,
  at: NOW,
  ...fields,
});

const onDuty = { type: 'GoOnDuty', memberId: ID, actor: lead, at: NOW } as const satisfies MemberCommand;
const offDuty = { type: 'GoOffDuty', memberId: ID, actor: lead, at: NOW } as const satisfies MemberCommand;

type Registered = Extract<RosterEvent, { type: 'support.member.registered.v1' }>;
const registered = (fields: Partial<Registered['data']> = {}): RosterEvent => ({
  type: 'support.member.registered.v1',
  data: { memberId: ID, role: 'agent', name: 'Wang', tier: 'L1', skills: ['printer', 'network'], scenarios: [], capacity: 5, ...fields },
});
const wentOnDuty: RosterEvent = { type: 'support.member.went-on-duty.v1', data: { memberId: ID } };
const wentOffDuty: RosterEvent = { type: 'support.member.went-off-duty.v1', data: { memberId: ID } };

const contractorRegistered = registered({ role: 'contractor', skills: [], scenarios: ['printer-driver-reinstall', 'router-reset'], capacity: 3 });

const fold = (events: readonly RosterEvent[]) => foldEvents(memberDecider, events) as Member;

function decide(history: RosterEvent[], command: MemberCommand) {
  return memberDecider.decide(command, foldEvents(memberDecider, history));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const nested of Object.values(value)) deepFreeze(nested);
  }
  return value;
}

describe('member decider', () => {
  it('knows every command type', () => {
    expect([...MEMBER_COMMAND_TYPES].sort()).toEqual(['ChangeProfile', 'GoOffDuty', 'GoOnDuty', 'RegisterMember']);
  });

  describe('RegisterMember', () => {
    it('registers the member, off duty, with exactly the registered event', () => {
      spec.given([]).when(register()).then([registered()]);
      expect(fold([registered()])).toEqual({
        registered: true,
        memberId: ID,
        role: 'agent',
        profile: { name: 'Wang', tier: 'L1', skills: ['printer', 'network'], scenarios: [], capacity: 5 },
        onDuty: false,
      });
    });

    it('stores name, skills and scenarios trimmed', () => {
      spec
        .given([])
        .when(register({ name: '  Wang ', skills: [' printer', 'network  '] }))
        .then([registered()]);
    });

    // role and tier go together: agent L1, senior L2, lead L3, contractor L1
    const ROLE_TIER: Array<[MemberRole, Tier, string[]]> = [
      ['agent', 'L1', []],
      ['senior', 'L2', []],
      ['lead', 'L3', []],
      ['contractor', 'L1', ['router-reset']],
    ];

    it.each(ROLE_TIER)('accepts a %s at %s, and the event validates against the catalogue', (role, tier, scenarios) => {
      const decision = decide([], register({ role, tier, scenarios }));
      expect(decision).toEqual({ ok: true, events: [registered({ role, tier, scenarios })] });
      if (decision.ok) expect(eventCatalogue.validate(decision.events[0].type, decision.events[0].data)).toEqual({ ok: true });
      expect(TIER_OF_ROLE[role]).toBe(tier);
    });

    const MISMATCHES = MEMBER_ROLES.flatMap((role) => TIERS.filter((tier) => tier !== TIER_OF_ROLE[role]).map((tier) => [role, tier] as const));
    it.each(MISMATCHES)('refuses a %s at %s, naming the role/tier rule', (role, tier) => {
      const scenarios = role === 'contractor' ? ['router-reset'] : [];
      spec
        .given([])
        .when(register({ role, tier, scenarios }))
        .thenRejects('invalid-command', new RegExp(`tier must be ${TIER_OF_ROLE[role]} for role ${role}, not ${tier}`));
    });

    it('registers a member only once (409)', () => {
      spec
        .given([registered()])
        .when(register())
        .thenRejects('illegal-transition', /member agent-wang is already registered/);
      spec
        .given([registered(), wentOnDuty])
        .when(register({ name: 'Other' }))
        .thenRejects('illegal-transition', /already registered/);
    });

    it('a contractor needs at least one whitelisted scenario', () => {
      spec
        .given([])
        .when(register({ role: 'contractor', tier: 'L1', scenarios: [] }))
        .thenRejects('invalid-command', /scenarios: a contractor needs at least one/);
    });

    it.each(['agent', 'senior', 'lead'] as const)('a %s has no scenario whitelist', (role) => {
      spec
        .given([])
        .when(register({ role, tier: TIER_OF_ROLE[role], scenarios: ['router-reset'] }))
        .thenRejects('invalid-command', new RegExp(`whitelist is only for contractors, a ${role} must have none`));
    });

    it.each([0, -1, 1001, 2.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses capacity %p', (capacity) => {
      spec
        .given([])
        .when(register({ capacity }))
        .thenRejects('invalid-command', /capacity must be an integer from 1 to 1000/);
    });

    it.each([1, 1000])('accepts capacity %p', (capacity) => {
      spec
        .given([])
        .when(register({ capacity }))
        .then([registered({ capacity })]);
    });

    const BAD_LABELS: Array<[string, Partial<RegisterMember>, RegExp]> = [
      ['an empty skill', { skills: ['printer', ''] }, /skills must not contain empty entries/],
      ['a blank skill', { skills: ['   '] }, /skills must not contain empty entries/],
      ['a repeated skill', { skills: ['printer', 'printer'] }, /skills must not repeat "printer"/],
      ['a skill repeated once trimmed', { skills: ['printer', ' printer '] }, /skills must not repeat "printer"/],
      ['a blank scenario', { role: 'contractor', scenarios: ['router-reset', ' '] }, /scenarios must not contain empty entries/],
      ['a repeated scenario', { role: 'contractor', scenarios: ['a', ' a'] }, /scenarios must not repeat "a"/],
      ['too many skills', { skills: Array.from({ length: 101 }, (_, i) => `s${i}`) }, /skills must have at most 100 entries/],
      ['skills that are not a list', { skills: undefined as unknown as string[] }, /skills must be a list/],
      ['a blank name', { name: '  ' }, /name must not be empty/],
      ['a blank memberId', { memberId: ' ' }, /memberId must not be empty/],
      ['an unknown role', { role: 'intake' as MemberRole }, /role must be one of lead, senior, agent, contractor/],
      ['an unknown tier', { tier: 'L4' as Tier }, /tier must be one of L1, L2, L3/],
      ['an invalid date', { at: new Date('nope') }, /at must be a valid date/],
    ];
    it.each(BAD_LABELS)('refuses %s', (_name, fields, reason) => {
      spec.given([]).when(register(fields)).thenRejects('invalid-command', reason);
    });

    it("does not keep the command's arrays in the state", () => {
      const command = register();
      const decision = decide([], command);
      if (!decision.ok) throw new Error(decision.reason);
      const member = fold(decision.events);
      (command.skills as string[]).push('mutated');
      (decision.events[0].data as { skills: string[] }).skills.push('mutated');
      expect(member.profile.skills).toEqual(['printer', 'network']);
    });
  });

  describe('ChangeProfile', () => {
    it('emits the whole new profile and the state takes it', () => {
      const changed: RosterEvent = {
        type: 'support.member.profile-changed.v1',
        data: { memberId: ID, name: 'Wang', tier: 'L1', skills: ['printer', 'network', 'operating-system'], scenarios: [], capacity: 6 },
      };
      spec.given([registered(), wentOnDuty]).when(changeProfile()).then([changed]);
      expect(eventCatalogue.validate(changed.type, changed.data)).toEqual({ ok: true });
      expect(fold([registered(), wentOnDuty, changed])).toMatchObject({
        role: 'agent',
        onDuty: true,
        profile: { skills: ['printer', 'network', 'operating-system'], capacity: 6 },
      });
    });

    it('needs a registered member', () => {
      spec
        .given([])
        .when(changeProfile())
        .thenRejects('not-found', /member agent-wang is not on the roster/);
    });

    it('refuses a profile where nothing changed (there is no "accepted, nothing happened")', () => {
      spec
        .given([registered()])
        .when(changeProfile({ skills: ['printer', 'network'], capacity: 5 }))
        .thenRejects('invalid-command', /nothing changed/);
    });

    it('treats skills and scenarios as sets: a new order or extra spaces alone is no change', () => {
      spec
        .given([registered()])
        .when(changeProfile({ name: ' Wang', skills: ['network ', 'printer'], capacity: 5 }))
        .thenRejects('invalid-command', /nothing changed/);
    });

    it.each<[string, Partial<ChangeProfile>]>([
      ['name', { name: 'Wang Wei', skills: ['printer', 'network'], capacity: 5 }],
      ['skills', { skills: ['printer'], capacity: 5 }],
      ['capacity', { skills: ['printer', 'network'], capacity: 7 }],
    ])('a change of %s alone is a change', (_field, fields) => {
      const decision = decide([registered()], changeProfile(fields));
      expect(decision.ok).toBe(true);
    });

    it('keeps the role: the tier must still match it', () => {
      spec
        .given([registered()])
        .when(changeProfile({ tier: 'L2' }))
        .thenRejects('invalid-command', /tier must be L1 for role agent, not L2/);
    });

    it('a contractor cannot lose their whole whitelist, an employee cannot get one', () => {
      spec
        .given([contractorRegistered])
        .when(changeProfile({ scenarios: [] }))
        .thenRejects('invalid-command', /a contractor needs at least one/);
      spec
        .given([registered()])
        .when(changeProfile({ scenarios: ['router-reset'] }))
        .thenRejects('invalid-command', /only for contractors/);
    });

    it("a contractor's whitelist can change", () => {
      spec
        .given([contractorRegistered])
        .when(changeProfile({ skills: [], scenarios: ['router-reset'], capacity: 3 }))
        .then([
          {
            type: 'support.member.profile-changed.v1',
            data: { memberId: ID, name: 'Wang', tier: 'L1', skills: [], scenarios: ['router-reset'], capacity: 3 },
          },
        ]);
    });

    it('checks capacity and labels as registration does', () => {
      spec
        .given([registered()])
        .when(changeProfile({ capacity: 0 }))
        .thenRejects('invalid-command', /capacity/);
      spec
        .given([registered()])
        .when(changeProfile({ skills: ['a', 'a'] }))
        .thenRejects('invalid-command', /skills must not repeat/);
      spec
        .given([registered()])
        .when(changeProfile({ at: new Date(Number.NaN) }))
        .thenRejects('invalid-command', /at must be a valid date/);
    });
  });

  describe('duty', () => {
    it('goes on duty, then off duty', () => {
      spec.given([registered()]).when(onDuty).then([wentOnDuty]);
      spec.given([registered(), wentOnDuty]).when(offDuty).then([wentOffDuty]);
      expect(fold([registered(), wentOnDuty]).onDuty).toBe(true);
      expect(fold([registered(), wentOnDuty, wentOffDuty]).onDuty).toBe(false);
    });

    it('a member is off duty once registered', () => {
      spec
        .given([registered()])
        .when(offDuty)
        .thenRejects('illegal-transition', /^member agent-wang is already off duty$/);
    });

    it('refuses going on duty twice, and off duty twice (409)', () => {
      spec
        .given([registered(), wentOnDuty])
        .when(onDuty)
        .thenRejects('illegal-transition', /^member agent-wang is already on duty$/);
      spec
        .given([registered(), wentOnDuty, wentOffDuty])
        .when(offDuty)
        .thenRejects('illegal-transition', /already off duty/);
    });

    it.each([onDuty, offDuty])('$type needs a registered member', (command) => {
      spec
        .given([])
        .when(command)
        .thenRejects('not-found', /member agent-wang is not on the roster/);
    });

    it('needs a valid time', () => {
      spec
        .given([registered()])
        .when({ ...onDuty, at: new Date('x') })
        .thenRejects('invalid-command', /at must be a valid date/);
    });
  });

  describe('state and bugs', () => {
    it('decide never mutates the state', () => {
      const state = deepFreeze(foldEvents(memberDecider, [registered(), wentOnDuty]));
      expect(memberDecider.decide(changeProfile(), state).ok).toBe(true);
      expect(memberDecider.decide(offDuty, state).ok).toBe(true);
    });

    it('evolve: events are facts, a repeated duty event keeps the duty', () => {
      expect(fold([registered(), wentOnDuty, wentOnDuty]).onDuty).toBe(true);
    });

    it('throws on a history that cannot be (bugs, not business outcomes)', () => {
      expect(() => fold([registered(), registered()])).toThrow(/registered twice/);
      expect(() => fold([wentOnDuty])).toThrow(/never registered/);
      expect(() => decide([registered()], { ...onDuty, memberId: 'someone-else' })).toThrow(/decided on member agent-wang/);
    });
  });
});
