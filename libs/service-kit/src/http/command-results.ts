import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import { CommandRefusal } from '@support/contracts';

export type { CommandRefusal };

/** If-Match: `3`, `"3"` or `W/"3"`; anything else is a client error. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) throw new BadRequestException(['If-Match must be a version number']);
  return Number(match[1]);
}

/** Idempotency-Key: 1-200 visible ASCII characters, or absent. */
export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header !== undefined && !/^[\x21-\x7e]{1,200}$/.test(header)) throw new BadRequestException(['Idempotency-Key must be 1-200 visible ASCII characters']);
  return header;
}

/** The HTTP answer of API.md for a refused command: 404, 400 naming the rule, or 409 with the reason. */
export function refusalToHttp(refusal: CommandRefusal): never {
  switch (refusal.code) {
    case 'not-found':
      throw new NotFoundException(refusal.reason);
    case 'invalid-command':
      throw new BadRequestException([refusal.reason]);
    case 'illegal-transition':
    case 'version-conflict':
      throw new ConflictException(refusal.reason);
  }
}
