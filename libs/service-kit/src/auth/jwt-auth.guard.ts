import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Role } from '@support/contracts';
import { FastifyReply } from 'fastify';
import { AuthenticatedRequest } from './current-actor.decorator';
import { JwtVerifier } from './jwt-verifier';
import { IS_PUBLIC_KEY } from './public.decorator';
import { ROLES_KEY } from './roles.decorator';

/**
 * Global guard: every HTTP route needs `Authorization: Bearer <JWT>` (401 otherwise) unless it
 * is `@Public()`; `@Roles(...)` then says who may call it (403 otherwise, and to everyone when absent).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: JwtVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // kafka handlers and other transports carry their own actor in the event
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;

    const http = context.switchToHttp();
    const req = http.getRequest<AuthenticatedRequest>();
    const token = bearerToken(req.headers.authorization);
    if (!token) throw this.unauthorized(http.getResponse(), 'missing bearer token');
    const check = await this.verifier.verify(token);
    if (!check.ok) throw this.unauthorized(http.getResponse(), check.reason);
    req.actor = check.actor;

    // default deny: a route without @Roles lets no one through (start-up refuses such a route anyway)
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles?.includes(check.actor.role)) {
      throw new ForbiddenException(`role ${check.actor.role} may not do this`);
    }
    return true;
  }

  private unauthorized(reply: FastifyReply, reason: string): UnauthorizedException {
    reply.header('WWW-Authenticate', 'Bearer');
    return new UnauthorizedException(reason);
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
