import { MEMBER_ROLES, MemberProfile, MemberRole, RosterEvent, Tier, TIERS } from '@support/contracts';
import { accept, Decider, Decision, invalid, isBlank, reject, validDate } from '@support/decider';
import { MemberCommand } from './member.commands';
import { evolveMember, initialMemberState, Member, MemberAggregate, memberExists } from './member.state';

/**
 * The tier each role sits at. Agent, senior and lead are the escalation chain L1 -> L2 -> L3;
 * contractors are outside the chain but count as L1 for reporting.
 */
export const TIER_OF_ROLE: Readonly<Record<MemberRole, Tier>> = { agent: 'L1', senior: 'L2', lead: 'L3', contractor: 'L1' };

export const MIN_CAPACITY = 1;
export const MAX_CAPACITY = 1000;
/** as the event schema: at most this many skills, and as many scenarios */
export const MAX_LABELS = 100;

/**
 * The Member decider (one roster entry). Order of checks as in intake's ticket decider: the member must
 * exist (`not-found`), the command must be legal now (`illegal-transition`, 409), then its values must
 * hold (`invalid-command`, 400). Who may send which command (a lead manages the roster) is checked by
 * the caller.
 */
export const memberDecider: Decider<MemberCommand, RosterEvent, MemberAggregate> = {
  decide: decideMember,
  evolve: evolveMember,
  initialState: initialMemberState,
};

export function decideMember(command: MemberCommand, state: MemberAggregate): Decision<RosterEvent> {
  if (command.type !== 'RegisterMember' && !memberExists(state)) return reject('not-found', `member ${command.memberId} is not on the roster`);
  if (memberExists(state) && state.memberId !== command.memberId) {
    // the caller loaded the wrong stream: a bug, not a business outcome
    throw new Error(`command for member ${command.memberId} decided on member ${state.memberId}`);
  }

  switch (command.type) {
    case 'RegisterMember': {
      if (memberExists(state)) return reject('illegal-transition', `member ${state.memberId} is already registered`);
      if (!validDate(command.at)) return invalid('at must be a valid date');
      if (isBlank(command.memberId)) return invalid('memberId must not be empty');
      if (!(MEMBER_ROLES as readonly string[]).includes(command.role)) return invalid(`role must be one of ${MEMBER_ROLES.join(', ')}`);
      const checked = checkProfile(command.role, command);
      if (!checked.ok) return invalid(checked.reason);
      return accept({ type: 'support.member.registered.v1', data: { memberId: command.memberId, role: command.role, ...checked.profile } });
    }

    case 'ChangeProfile': {
      const member = state as Member;
      if (!validDate(command.at)) return invalid('at must be a valid date');
      const checked = checkProfile(member.role, command);
      if (!checked.ok) return invalid(checked.reason);
      // Decision cannot be "accepted, no events": an unchanged profile is refused, so history holds only changes
      if (sameProfile(member.profile, checked.profile)) return invalid(`nothing changed in the profile of member ${member.memberId}`);
      return accept({ type: 'support.member.profile-changed.v1', data: { memberId: command.memberId, ...checked.profile } });
    }

    case 'GoOnDuty': {
      const member = state as Member;
      if (member.onDuty) return reject('illegal-transition', `member ${member.memberId} is already on duty`);
      if (!validDate(command.at)) return invalid('at must be a valid date');
      return accept({ type: 'support.member.went-on-duty.v1', data: { memberId: command.memberId } });
    }

    case 'GoOffDuty': {
      const member = state as Member;
      if (!member.onDuty) return reject('illegal-transition', `member ${member.memberId} is already off duty`);
      if (!validDate(command.at)) return invalid('at must be a valid date');
      return accept({ type: 'support.member.went-off-duty.v1', data: { memberId: command.memberId } });
    }
  }
}

/**
 * The profile rules for a member of `role`; on success the profile as it is stored: name, skills and
 * scenarios trimmed. Exported for callers that want to check a profile before sending a command.
 */
export function checkProfile(role: MemberRole, input: MemberProfile): { ok: true; profile: MemberProfile } | { ok: false; reason: string } {
  const fail = (reason: string) => ({ ok: false as const, reason });
  if (isBlank(input.name)) return fail('name must not be empty');
  if (!(TIERS as readonly string[]).includes(input.tier)) return fail(`tier must be one of ${TIERS.join(', ')}`);
  const expectedTier = TIER_OF_ROLE[role];
  if (input.tier !== expectedTier) {
    const table = Object.entries(TIER_OF_ROLE)
      .map(([r, t]) => `${r} ${t}`)
      .join(', ');
    return fail(`tier must be ${expectedTier} for role ${role}, not ${input.tier} (role and tier go together: ${table})`);
  }
  const skills = labels(input.skills, 'skills');
  if (!skills.ok) return skills;
  const scenarios = labels(input.scenarios, 'scenarios');
  if (!scenarios.ok) return scenarios;
  if (role === 'contractor' && scenarios.values.length === 0) {
    return fail('scenarios: a contractor needs at least one fixed scenario on their whitelist (they take only those)');
  }
  if (role !== 'contractor' && scenarios.values.length > 0) {
    return fail(`scenarios: the scenario whitelist is only for contractors, a ${role} must have none`);
  }
  if (!Number.isInteger(input.capacity) || input.capacity < MIN_CAPACITY || input.capacity > MAX_CAPACITY) {
    return fail(`capacity must be an integer from ${MIN_CAPACITY} to ${MAX_CAPACITY}`);
  }
  return {
    ok: true,
    profile: { name: input.name.trim(), tier: input.tier, skills: skills.values, scenarios: scenarios.values, capacity: input.capacity },
  };
}

/** Trimmed, non-empty, unique labels (skills or scenarios), in the order given. */
function labels(values: readonly string[] | undefined, field: string): { ok: true; values: string[] } | { ok: false; reason: string } {
  if (!Array.isArray(values)) return { ok: false, reason: `${field} must be a list (possibly empty)` };
  if (values.length > MAX_LABELS) return { ok: false, reason: `${field} must have at most ${MAX_LABELS} entries` };
  const trimmed: string[] = [];
  for (const value of values) {
    if (isBlank(value)) return { ok: false, reason: `${field} must not contain empty entries` };
    const label = value.trim();
    if (trimmed.includes(label)) return { ok: false, reason: `${field} must not repeat "${label}"` };
    trimmed.push(label);
  }
  return { ok: true, values: trimmed };
}

// skills and whitelists are sets: a new order alone is not a change
function sameProfile(a: MemberProfile, b: MemberProfile): boolean {
  const sameSet = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((value) => y.includes(value));
  return a.name === b.name && a.tier === b.tier && a.capacity === b.capacity && sameSet(a.skills, b.skills) && sameSet(a.scenarios, b.scenarios);
}
