import { refusalToHttp } from '@support/service-kit';
import { CommandOutcome } from '../application/ticket-commands.service';

/** the answer to a ticket command: its new state and version, or the refusal as HTTP */
export function commandResponse(outcome: CommandOutcome) {
  if (!outcome.ok) return refusalToHttp(outcome);
  return { id: outcome.ticket.id, state: outcome.ticket.state, version: outcome.version };
}
