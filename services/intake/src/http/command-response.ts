import { refusalToHttp } from '@support/service-kit';
import { CommandOutcome } from '@support/command-handling';
import { Ticket } from '../domain';

/** the answer to a ticket command: its new state and version, or the refusal as HTTP */
export function commandResponse(outcome: CommandOutcome<Ticket>) {
  if (!outcome.ok) return refusalToHttp(outcome);
  return { id: outcome.entity.id, state: outcome.entity.state, version: outcome.version };
}
