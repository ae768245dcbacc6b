import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import { CommandOutcome } from '../application/ticket-commands.service';

/** If-Match: `3`, `"3"` or `W/"3"`; anything else is a client error */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) throw new BadRequestException(['If-Match must be a version number']);
  return Number(match[1]);
}

/** Maps a command's outcome to the HTTP answer of API.md. */
export function commandResponse(outcome: CommandOutcome) {
  if (outcome.ok) return { id: outcome.ticket.id, state: outcome.ticket.state, version: outcome.version };
  switch (outcome.code) {
    case 'not-found':
      throw new NotFoundException(outcome.reason);
    case 'invalid-command':
      throw new BadRequestException([outcome.reason]);
    case 'illegal-transition':
    case 'version-conflict':
      throw new ConflictException(outcome.reason);
  }
}
