import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { AuthenticatedRequest } from '../auth/current-actor.decorator';

/** The methods that change something, and so are rate-limited. */
export const WRITE_METHODS: readonly string[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Counts writes per caller: the token's `sub` when the JWT guard authenticated the request, else
 * the client IP (public routes such as webhooks). One budget per caller across every write route;
 * reads, health and metrics are never counted. Must run after `JwtAuthGuard` (see `RateLimitModule`).
 */
@Injectable()
export class WriteThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const method = context.switchToHttp().getRequest<AuthenticatedRequest>().method ?? '';
    return !WRITE_METHODS.includes(method.toUpperCase());
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the signature of ThrottlerGuard.getTracker
  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const actor = (req as AuthenticatedRequest).actor;
    return actor ? `sub:${actor.id}` : `ip:${await super.getTracker(req)}`;
  }

  // the base class keys by controller and handler too, which would give one budget per route
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }
}
