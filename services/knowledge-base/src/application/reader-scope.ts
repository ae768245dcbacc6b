import { Actor } from '@support/contracts';
import { ReaderScope } from '../persistence/knowledge-views.repository';

/**
 * Contractors read only the cases and analyses of tickets dispatched to them (a case names its ticket,
 * the problem and the diagnosis); members of staff read all.
 */
export function readerScope(actor: Actor): ReaderScope {
  return actor.role === 'contractor' ? { contractorId: actor.id } : {};
}
