import { Actor, MemberProfile, MemberRole } from '@support/contracts';

/** What every member command carries: the member, who asks, and the injected time of the request. */
interface MemberCommandBase<Type extends string> {
  type: Type;
  memberId: string;
  actor: Actor;
  /** now, from the injected clock: the decider never reads a clock */
  at: Date;
}

/** A member joins the roster, off duty. The role is fixed from then on; the profile can change. */
export interface RegisterMember extends MemberCommandBase<'RegisterMember'>, MemberProfile {
  role: MemberRole;
}

/** The whole new profile (name, tier, skills, scenario whitelist, capacity), not a patch. */
export interface ChangeProfile extends MemberCommandBase<'ChangeProfile'>, MemberProfile {}

export type GoOnDuty = MemberCommandBase<'GoOnDuty'>;

export type GoOffDuty = MemberCommandBase<'GoOffDuty'>;

export type MemberCommand = RegisterMember | ChangeProfile | GoOnDuty | GoOffDuty;

export type MemberCommandType = MemberCommand['type'];

export const MEMBER_COMMAND_TYPES = ['RegisterMember', 'ChangeProfile', 'GoOnDuty', 'GoOffDuty'] as const satisfies readonly MemberCommandType[];
