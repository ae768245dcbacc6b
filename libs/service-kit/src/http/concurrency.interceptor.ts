import { CallHandler, ExecutionContext, HttpException, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyReply } from 'fastify';
import { catchError, Observable, tap, throwError } from 'rxjs';
import { StaleVersionException } from '../errors/problem-details';
import { parseIfMatch } from './command-results';
import { IF_MATCH_KEY, IfMatchRule, VERSIONED_READ_KEY, VersionOf, versionField } from './concurrency.decorators';

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
}

/** The 428's message: which header, and where its value comes from. */
export const IF_MATCH_REQUIRED = 'If-Match header is required: send the ETag of the resource as last read (e.g. If-Match: "3"), so a change made meanwhile is not overwritten';

/**
 * Acts on the concurrency decorators: a route that {@link RequiresIfMatch} answers 428 without the
 * header (after the guards, so 401/403 come first), a malformed If-Match is a 400 before anything
 * runs, a stale one answers the rule's status (412), and a versioned read or a command answers
 * `ETag: "<version>"` of its body (a read whose If-None-Match holds it answers 304: {@link answerNotModified}).
 */
@Injectable()
export class ConcurrencyInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const targets = [context.getHandler(), context.getClass()];
    const rule = this.reflector.getAllAndOverride<IfMatchRule | undefined>(IF_MATCH_KEY, targets);
    const versionOf = this.reflector.getAllAndOverride<VersionOf | undefined>(VERSIONED_READ_KEY, targets) ?? (rule ? versionField : undefined);
    if (!versionOf) return next.handle();
    const headers = context.switchToHttp().getRequest<HttpRequest>().headers;
    let answer = next.handle.bind(next);
    if (rule) {
      const value = headerValue(headers['if-match']);
      if (rule.required && (value === undefined || value.trim() === '')) {
        throw new HttpException({ error: 'Precondition Required', message: [IF_MATCH_REQUIRED] }, HttpStatus.PRECONDITION_REQUIRED);
      }
      // only a version the caller named can be stale; a command that lost a race without one is a 409
      if (parseIfMatch(value) !== undefined) answer = () => next.handle().pipe(catchError((err: unknown) => throwError(() => staleAnswer(err, rule))));
    }
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return answer().pipe(
      tap((body) => {
        const version = versionOf(body);
        // a handler that set its own ETag (or streamed) knows better
        if (Number.isInteger(version) && !reply.sent && reply.getHeader('ETag') === undefined) reply.header('ETag', `"${version as number}"`);
      }),
    );
  }
}

function headerValue(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header.join(', ') : header;
}

function staleAnswer(err: unknown, rule: IfMatchRule): unknown {
  if (!(err instanceof StaleVersionException) || rule.staleStatus === HttpStatus.CONFLICT) return err;
  return new HttpException(err.message, rule.staleStatus);
}
