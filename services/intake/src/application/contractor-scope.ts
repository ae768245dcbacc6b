import { Actor, Assignee } from '@support/contracts';

/**
 * Contractors see and act on only the tickets dispatched to them: the assignee is that contractor, by
 * role and id. The id alone is not enough: nothing keeps a contractor's `sub` from matching a member of
 * staff's. Everyone else sees every ticket.
 */
export function inContractorScope(ticket: { assignee?: Assignee } | undefined, actor: Actor): boolean {
  if (actor.role !== 'contractor') return true;
  return ticket?.assignee?.role === 'contractor' && ticket.assignee.id === actor.id;
}
