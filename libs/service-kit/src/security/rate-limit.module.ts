import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerLimitDetail, ThrottlerModule } from '@nestjs/throttler';
import { RateLimitConfig } from '../config/service-config';
import { DEFAULT_WRITES_PER_MINUTE } from '../config/service-env';
import { WriteThrottlerGuard } from './write-throttler.guard';

const ONE_MINUTE_MS = 60_000;

/**
 * Registers {@link WriteThrottlerGuard} globally with an in-memory, per-process sliding window of
 * one minute. Import it after `AuthModule`: global guards run in registration order, and the
 * throttle guard keys authenticated callers by the actor the JWT guard attached.
 */
@Module({})
export class RateLimitModule {
  static forRoot(config: RateLimitConfig = { writesPerMinute: DEFAULT_WRITES_PER_MINUTE }): DynamicModule {
    return {
      module: RateLimitModule,
      imports: [
        ThrottlerModule.forRoot({
          // unnamed, so the headers are plain `Retry-After` and `X-RateLimit-*`
          throttlers: [{ limit: config.writesPerMinute, ttl: ONE_MINUTE_MS, blockDuration: 0 }],
          errorMessage: (_context, detail) => tooManyWritesMessage(detail),
        }),
      ],
      providers: [{ provide: APP_GUARD, useClass: WriteThrottlerGuard }],
    };
  }
}

// blockDuration 0 = no penalty box: Retry-After is when the oldest counted write leaves the window
function tooManyWritesMessage(detail: ThrottlerLimitDetail): string {
  return `too many writes: at most ${detail.limit} per minute; retry after ${detail.timeToBlockExpire} s`;
}
