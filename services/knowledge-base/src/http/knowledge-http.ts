import { Actor } from '@support/contracts';
import { CommandContext, CommandOutcome } from '@support/command-handling';
import { parseIfMatch, refusalToHttp } from '@support/service-kit';

/** members who write and review standard solutions */
export const AUTHORS = ['lead', 'senior'] as const;
/** everyone who reads the knowledge base (contractors follow SOPs) */
export const READERS = ['lead', 'senior', 'agent', 'contractor', 'analyst', 'service'] as const;

/** the answer to a command: the id, new status (if the aggregate has one) and version, or the refusal as HTTP */
export function commandAnswer(id: string, outcome: CommandOutcome<object>) {
  if (!outcome.ok) return refusalToHttp(outcome);
  const status = (outcome.entity as { status?: string }).status;
  return { id, ...(status ? { status } : {}), version: outcome.version };
}

/** who asks, the version they saw (If-Match) and their correlation id */
export function commandContext(actor: Actor, headers: Record<string, string>): CommandContext {
  return { actor, expectedVersion: parseIfMatch(headers['if-match']), correlationId: headers['x-correlation-id'] };
}
