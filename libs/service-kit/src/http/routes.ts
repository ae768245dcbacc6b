import { RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants';
import { INestApplication } from '@nestjs/common/interfaces';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';

/** A route handler of one of the app's controllers, as its decorators declared it. */
export interface DeclaredRoute {
  /** the controller's class */
  controller: Type<unknown>;
  /** the handler on its prototype, where method decorators keep their metadata */
  handler: (...args: unknown[]) => unknown;
  /** the handler's name; with the controller's, Nest's default OpenAPI operation id */
  name: string;
  method: RequestMethod;
}

/** Every route handler of the app's controllers; once the modules are created (before `init()` is fine). */
export function declaredRoutes(app: INestApplication): DeclaredRoute[] {
  const scanner = new MetadataScanner();
  const routes: DeclaredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      const prototype = metatype.prototype as Record<string, DeclaredRoute['handler']>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const method = Reflect.getMetadata(METHOD_METADATA, prototype[name]) as RequestMethod | undefined;
        if (method !== undefined) routes.push({ controller: metatype as Type<unknown>, handler: prototype[name], name, method });
      }
    }
  }
  return routes;
}

/** Nest's default OpenAPI operation id of a route: `TicketController_close`. */
export const operationIdOf = (route: DeclaredRoute) => `${route.controller.name}_${route.name}`;
