import { BadRequestException, ConflictException, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { StaleVersionException } from '../errors/problem-details';
import { CommandContext, CommandOutcome } from '@support/command-handling';
import { Actor } from '@support/contracts';
import { CommandRefusal } from '@support/decider';
import { activeTraceContext } from '@support/messaging';

export type { CommandRefusal };

/** If-Match: the ETag `"3"` a read answered (also `3` or `W/"3"`); anything else is a client error. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) throw new BadRequestException(['If-Match must be the ETag of the resource as a read answered it, a version such as "3"']);
  return Number(match[1]);
}

/** Idempotency-Key: 1-200 visible ASCII characters, or absent. */
export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header !== undefined && !/^[\x21-\x7e]{1,200}$/.test(header)) throw new BadRequestException(['Idempotency-Key must be 1-200 visible ASCII characters']);
  return header;
}

/**
 * A command's context from its request: who asks, the version they saw (If-Match), their correlation id,
 * and the request's trace (taken now: a group commit may write the command from another request's context).
 */
export function commandContext(actor: Actor, headers: Record<string, string | undefined>): CommandContext {
  const trace = activeTraceContext();
  return { actor, expectedVersion: parseIfMatch(headers['if-match']), correlationId: headers['x-correlation-id'], ...(trace ? { trace } : {}) };
}

/** The answer to a command on an aggregate: its id, new status (when it has one) and version, or the refusal as HTTP. */
export function commandAnswer(id: string, outcome: CommandOutcome<object>): { id: string; status?: string; version: number } {
  if (!outcome.ok) return refusalToHttp(outcome);
  const status = (outcome.entity as { status?: unknown }).status;
  return { id, ...(typeof status === 'string' ? { status } : {}), version: outcome.version };
}

/**
 * The HTTP answer of API.md for a refused command: 404, 400 naming the rule, or 409 with the reason (a
 * stale If-Match: 412, see ConcurrencyInterceptor).
 */
export function refusalToHttp(refusal: CommandRefusal): never {
  switch (refusal.code) {
    case 'not-found':
      throw new NotFoundException(refusal.reason);
    case 'invalid-command':
      throw new BadRequestException([refusal.reason]);
    case 'illegal-transition':
      throw new ConflictException(refusal.reason);
    case 'version-conflict':
      throw new StaleVersionException(refusal.reason);
  }
}

/** What a creating request run once per Idempotency-Key came to (the event store's `OnceOutcome`). */
export type CreationOutcome<Body> = { replayed: boolean; status: number; body: Body } | { keyReused: string } | { refused: CommandRefusal };

/** the part of the framework's reply (fastify's) a creating POST sets */
export interface CreatedResponseHeaders {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

/**
 * The answer of API.md to a creating POST: its status (201) with the new resource's Location and its
 * version as ETag, `Idempotent-Replayed: true` when a key's first answer is given again; 422 for a key
 * the caller used before with another body (draft-ietf-httpapi-idempotency-key-header); a refusal as
 * {@link refusalToHttp} says.
 */
export function createdResponse<Body extends { version: number }>(outcome: CreationOutcome<Body>, res: CreatedResponseHeaders, locationOf: (body: Body) => string): Body {
  if ('keyReused' in outcome) throw new UnprocessableEntityException(outcome.keyReused);
  if ('refused' in outcome) return refusalToHttp(outcome.refused);
  res.status(outcome.status);
  res.header('Location', locationOf(outcome.body));
  res.header('ETag', `"${outcome.body.version}"`);
  if (outcome.replayed) res.header('Idempotent-Replayed', 'true');
  return outcome.body;
}
