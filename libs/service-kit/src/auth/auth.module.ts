import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { AuthConfig } from '../config/service-config';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtVerifier } from './jwt-verifier';
import { assertEveryRouteDeclaresRoles } from './route-roles.check';

// built while the app is created, before any module starts consuming or serving
const EVERY_ROUTE_DECLARES_ROLES = Symbol('EVERY_ROUTE_DECLARES_ROLES');

/**
 * Registers {@link JwtAuthGuard} as the global guard and exports the {@link JwtVerifier}. Default
 * deny: an app with a route that declares neither `@Roles(...)` nor `@Public()` does not start.
 */
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AuthModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: JwtVerifier, useValue: new JwtVerifier(config) },
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        {
          provide: EVERY_ROUTE_DECLARES_ROLES,
          inject: [DiscoveryService],
          useFactory: (discovery: DiscoveryService) => {
            assertEveryRouteDeclaresRoles(discovery.getControllers().map((wrapper) => wrapper.metatype as Type<unknown>));
            return true;
          },
        },
      ],
      exports: [JwtVerifier],
    };
  }
}
