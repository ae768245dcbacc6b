import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ServiceConfig } from '../config/service-config';
import { HealthAsyncOptions, HealthModule, HealthOptions } from '../health/health.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RateLimitModule } from '../security/rate-limit.module';

/** Injection token for the service's {@link ServiceConfig}. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

/** What a service hands to {@link ServiceKitModule.forRoot}. */
export interface ServiceKitOptions {
  config: ServiceConfig;
  /** Readiness probes, given or built from providers; none means ready once up. */
  readiness?: HealthOptions | HealthAsyncOptions;
}

/**
 * The module every service imports once in its root module: global JWT guard, rate limit on
 * writes, `/health/*`, `/metrics`, and `SERVICE_CONFIG` injectable everywhere.
 */
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitOptions): DynamicModule {
    const readiness = options.readiness ?? { probes: [] };
    return {
      module: ServiceKitModule,
      global: true,
      imports: [
        AuthModule.forRoot(options.config.auth),
        // after AuthModule: its guard must have attached the actor the rate limit counts by
        RateLimitModule.forRoot(options.config.rateLimit),
        MetricsModule,
        'useFactory' in readiness ? HealthModule.forRootAsync(readiness) : HealthModule.forRoot(readiness),
      ],
      providers: [{ provide: SERVICE_CONFIG, useValue: options.config }],
      exports: [SERVICE_CONFIG, AuthModule],
    };
  }
}
