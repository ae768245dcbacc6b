import { MemberProfile, MemberRole, RosterEvent } from '@support/contracts';

/** Before `support.member.registered.v1`: the member is not on the roster. */
export interface NoMember {
  readonly registered: false;
}

/** A member as their events describe them. */
export interface Member {
  readonly registered: true;
  readonly memberId: string;
  readonly role: MemberRole;
  readonly profile: MemberProfile;
  readonly onDuty: boolean;
}

export type MemberAggregate = NoMember | Member;

export const initialMemberState = (): MemberAggregate => ({ registered: false });

export function memberExists(state: MemberAggregate): state is Member {
  return state.registered;
}

/** Applies one event. Events are facts: going on duty twice still leaves the member on duty. */
export function evolveMember(state: MemberAggregate, event: RosterEvent): MemberAggregate {
  if (event.type === 'support.member.registered.v1') {
    if (memberExists(state)) throw new Error(`member ${state.memberId} registered twice`);
    const { memberId, role, ...profile } = event.data;
    return { registered: true, memberId, role, profile: copyProfile(profile), onDuty: false };
  }
  if (!memberExists(state)) throw new Error(`${event.type} for a member who was never registered`);
  switch (event.type) {
    case 'support.member.profile-changed.v1': {
      const { memberId: _, ...profile } = event.data;
      return { ...state, profile: copyProfile(profile) };
    }
    case 'support.member.went-on-duty.v1':
      return { ...state, onDuty: true };
    case 'support.member.went-off-duty.v1':
      return { ...state, onDuty: false };
  }
}

// the state never shares arrays with an event (or a command) a caller may still hold
const copyProfile = (profile: MemberProfile): MemberProfile => ({
  name: profile.name,
  tier: profile.tier,
  skills: [...profile.skills],
  scenarios: [...profile.scenarios],
  capacity: profile.capacity,
});
