import { Cause, RecordedEvent } from '@support/contracts';
import { CommandRefusal, VersionConflict } from '@support/decider';

/** Who is asking and in answer to what, and the version the caller saw (If-Match), when it sent one. */
export type CommandContext = Cause & { expectedVersion?: number };

export type CommandOutcome<Entity> = { ok: true; entity: Entity; version: number; events: RecordedEvent[] } | CommandRefusal;

/** the caller decided on another version than the stream's */
export function staleVersion(streamType: string, id: string, current: number, expected: number): VersionConflict {
  return { ok: false, code: 'version-conflict', reason: `${streamType} ${id} is at version ${current}, not ${expected}` };
}
