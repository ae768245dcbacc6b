import { NestInterceptor, RequestMethod } from '@nestjs/common';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import { INestApplication } from '@nestjs/common/interfaces';
import { Reflector } from '@nestjs/core';
import { IF_MATCH_KEY, VERSIONED_READ_KEY } from './concurrency.decorators';
import { ConcurrencyInterceptor } from './concurrency.interceptor';
import { STORES_IDEMPOTENCY_KEY } from './idempotency-key.decorators';
import { IdempotencyKeyInterceptor, IdempotentAnswers } from './idempotency-key.interceptor';
import { declaredRoutes } from './routes';

// the kit's ETag / If-Match and Idempotency-Key interceptors go on the routes that need them only: a
// global interceptor puts every route (health and metrics included) through Nest's interceptor pipeline,
// which halves a bare route's rate (bench/http-stack.bench.ts), while a route with none skips it

/**
 * Puts the {@link ConcurrencyInterceptor} on every route with a concurrency decorator and, given
 * `answers`, the {@link IdempotencyKeyInterceptor} on every POST that does not store its key itself; in
 * this order, so a replayed answer passes the ETag step like a fresh one. Call after the app's modules
 * are created and before `init()`: Nest reads a route's interceptors when it registers the route.
 */
export function attachRouteInterceptors(app: INestApplication, answers?: IdempotentAnswers): void {
  const reflector = new Reflector();
  const concurrency = new ConcurrencyInterceptor(reflector);
  const idempotency = answers ? new IdempotencyKeyInterceptor(reflector, answers) : undefined;
  for (const { controller, handler, method } of declaredRoutes(app)) {
    const targets = [handler, controller];
    const kit: NestInterceptor[] = [];
    if (reflector.getAllAndOverride(IF_MATCH_KEY, targets) || reflector.getAllAndOverride(VERSIONED_READ_KEY, targets)) kit.push(concurrency);
    if (idempotency && method === RequestMethod.POST && !reflector.getAllAndOverride<boolean>(STORES_IDEMPOTENCY_KEY, targets)) kit.push(idempotency);
    // the kit's own come first, as global ones would; a route's own follow (an app built twice replaces them)
    const own = ((Reflect.getMetadata(INTERCEPTORS_METADATA, handler) as unknown[] | undefined) ?? []).filter(
      (interceptor) => !(interceptor instanceof ConcurrencyInterceptor || interceptor instanceof IdempotencyKeyInterceptor),
    );
    if (kit.length > 0 || own.length > 0) Reflect.defineMetadata(INTERCEPTORS_METADATA, [...kit, ...own], handler);
  }
}
