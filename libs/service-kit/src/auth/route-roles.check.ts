import { Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY } from './public.decorator';
import { ROLES_KEY } from './roles.decorator';

/** Thrown at start-up when a route says neither who may call it nor that anyone may. */
export class UndeclaredRolesError extends Error {
  override readonly name = 'UndeclaredRolesError';

  constructor(readonly routes: readonly string[]) {
    super(`every route must declare @Roles(...) or @Public(); these declare neither: ${routes.join(', ')}`);
  }
}

/**
 * The route handlers of `controllers` that declare neither `@Roles(...)` nor `@Public()` (on the
 * handler or its controller), as `Controller.handler`, read the way {@link JwtAuthGuard} reads them.
 */
export function undeclaredRoutes(controllers: readonly Type<unknown>[]): string[] {
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  return controllers.flatMap((controller) =>
    scanner
      .getAllMethodNames(controller.prototype)
      .filter((name) => isRoute(controller.prototype[name]))
      .filter((name) => {
        const targets = [controller.prototype[name] as () => unknown, controller];
        const declared = reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) || reflector.getAllAndOverride(ROLES_KEY, targets) !== undefined;
        return !declared;
      })
      .map((name) => `${controller.name}.${name}`),
  );
}

/** Throws {@link UndeclaredRolesError} naming every route of `controllers` without a role declaration. */
export function assertEveryRouteDeclaresRoles(controllers: readonly Type<unknown>[]): void {
  const undeclared = undeclaredRoutes(controllers);
  if (undeclared.length) throw new UndeclaredRolesError(undeclared);
}

// a route handler carries a request method; helpers and event handlers do not
function isRoute(handler: unknown): boolean {
  return typeof handler === 'function' && Reflect.getMetadata(PATH_METADATA, handler) !== undefined && Reflect.getMetadata(METHOD_METADATA, handler) !== undefined;
}
