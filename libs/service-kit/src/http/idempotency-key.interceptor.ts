import { CallHandler, ExecutionContext, Injectable, NestInterceptor, UnprocessableEntityException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Actor } from '@support/contracts';
import { FastifyReply, FastifyRequest } from 'fastify';
import { from, mergeMap, Observable, of } from 'rxjs';
import { parseIdempotencyKey } from './command-results';
import { STORES_IDEMPOTENCY_KEY } from './idempotency-key.decorators';

/** Whose keys and for what: a caller's (token `sub`) own, per operation. */
export interface IdempotencyKeyScope {
  operation: string;
  caller: string;
}

/**
 * Where a service keeps first answers by Idempotency-Key (its `idempotency_keys` table): what the kit's
 * interceptor needs of it.
 */
export interface IdempotentAnswers {
  /** the first answer to the caller's key: for this request, or for another one (the key reused); null when none lives */
  recall(scope: IdempotencyKeyScope, key: string, request: unknown): Promise<{ answer: { status: number; body: unknown } } | { keyReused: string } | null>;
  /** keeps a first answer under the caller's key; when another request kept one first, that one stands */
  remember(scope: IdempotencyKeyScope, key: string, request: unknown, answer: { status: number; body: unknown }): Promise<void>;
}

type HttpRequest = FastifyRequest<{ Params: Record<string, string> | undefined }> & { actor?: Actor };

/**
 * Idempotency-Key on every POST (draft-ietf-httpapi-idempotency-key-header) that does not store it
 * itself ({@link StoresIdempotencyKey}): a caller's key with the same path parameters and body answers
 * the first successful result again, `Idempotent-Replayed: true`, without running the handler; with
 * others, 422. Only successes are kept, after the handler's own transaction: a retry of a failure runs
 * again, and two requests with one key at the same moment may both run (the command's version check
 * then refuses the second, or If-Match does).
 */
@Injectable()
export class IdempotencyKeyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly answers: IdempotentAnswers,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<HttpRequest>();
    if (req.method !== 'POST' || this.reflector.getAllAndOverride<boolean>(STORES_IDEMPOTENCY_KEY, [context.getHandler(), context.getClass()])) return next.handle();
    const header = req.headers['idempotency-key'];
    const key = parseIdempotencyKey(Array.isArray(header) ? header.join(', ') : header);
    // a public route has no caller to own the key
    if (key === undefined || !req.actor) return next.handle();

    // the route's pattern, e.g. `POST /v1/tickets/:id/close`: kept in the stored keys, so it must not change
    const scope = { operation: `POST ${req.routeOptions.url ?? ''}`, caller: req.actor.id };
    const request = { params: req.params ?? {}, body: req.body ?? null };
    const recalled = await this.answers.recall(scope, key, request);
    if (recalled && 'keyReused' in recalled) throw new UnprocessableEntityException(recalled.keyReused);
    const reply = http.getResponse<FastifyReply>();
    if (recalled) {
      reply.status(recalled.answer.status);
      reply.header('Idempotent-Replayed', 'true');
      return of(recalled.answer.body);
    }
    return next.handle().pipe(
      mergeMap((body) => {
        if (reply.statusCode >= 300) return of(body);
        return from(this.answers.remember(scope, key, request, { status: reply.statusCode, body: body ?? null }).then(() => body));
      }),
    );
  }
}
