import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Actor } from '@support/contracts';
import { FastifyRequest } from 'fastify';

/** A request that passed {@link JwtAuthGuard}: the token's actor is attached to it. */
export type AuthenticatedRequest = FastifyRequest & { actor?: Actor };

/**
 * The caller, `{ id, role, name }` from the token's `sub`, `role` and `name` claims.
 * Undefined on `@Public()` routes, which are not authenticated.
 */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor | undefined => ctx.switchToHttp().getRequest<AuthenticatedRequest>().actor);
