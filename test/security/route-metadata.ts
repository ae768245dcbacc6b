import 'reflect-metadata';
import { DynamicModule, ForwardReference, RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA, SSE_METADATA } from '@nestjs/common/constants';
import { Role } from '@support/contracts';
import { IS_PUBLIC_KEY, ROLES_KEY } from '@support/service-kit';

/** One HTTP route as the global JwtAuthGuard sees it. */
export interface RouteAccess {
  /** `GET`, `POST`, ... */
  method: string;
  /** Express-style path, e.g. `/v1/tickets/:id/history` */
  path: string;
  /** `Controller.handler`, to find the code */
  handler: string;
  /** `@Public()`: no token needed */
  isPublic: boolean;
  /** `@Roles(...)` of the handler, else of the controller; null when neither has one (no one: such an app does not start) */
  roles: readonly Role[] | null;
  /** a server-sent-events stream (`@Sse`): it never ends by itself */
  stream: boolean;
}

type ModuleEntry = Type<unknown> | DynamicModule | ForwardReference | Promise<DynamicModule>;

/** Whether the guard lets a caller with this role through (public routes let everyone through; default deny). */
export function allows(route: RouteAccess, role: Role): boolean {
  return route.isPublic || (route.roles?.includes(role) ?? false);
}

/** Every route of the controllers a root module registers, its own controllers first, then its imports'. */
export function routesOfModule(rootModule: Type<unknown> | DynamicModule): RouteAccess[] {
  return controllersOf(rootModule).flatMap(routesOfController);
}

/** The controllers of a module and of everything it imports, each once, in registration order. */
export function controllersOf(rootModule: ModuleEntry): Type<unknown>[] {
  const seen = new Set<unknown>();
  const controllers: Type<unknown>[] = [];
  const visit = (entry: ModuleEntry) => {
    const module = resolveEntry(entry);
    if (seen.has(module)) return;
    seen.add(module);
    const { moduleClass, dynamic } = splitModule(module);
    for (const controller of [...metadataList<Type<unknown>>(moduleClass, MODULE_METADATA.CONTROLLERS), ...(dynamic?.controllers ?? [])]) {
      if (!controllers.includes(controller)) controllers.push(controller);
    }
    for (const imported of [...metadataList<ModuleEntry>(moduleClass, MODULE_METADATA.IMPORTS), ...((dynamic?.imports ?? []) as ModuleEntry[])]) visit(imported);
  };
  visit(rootModule);
  return controllers;
}

/** The routes one controller class declares, read the way Nest's router and the guard read them. */
export function routesOfController(controller: Type<unknown>): RouteAccess[] {
  const controllerPaths = pathsOf(Reflect.getMetadata(PATH_METADATA, controller));
  return handlerNames(controller).flatMap((name) => {
    const handler = controller.prototype[name] as object;
    const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
    // same precedence as reflector.getAllAndOverride([handler, class]): the handler's own value wins
    const isPublic = Reflect.getMetadata(IS_PUBLIC_KEY, handler) ?? Reflect.getMetadata(IS_PUBLIC_KEY, controller) ?? false;
    const roles = Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, controller) ?? null;
    const stream = Reflect.getMetadata(SSE_METADATA, handler) === true;
    return controllerPaths.flatMap((prefix) =>
      pathsOf(Reflect.getMetadata(PATH_METADATA, handler)).map((path) => ({
        method,
        path: joinPath(prefix, path),
        handler: `${controller.name}.${name}`,
        isPublic,
        roles,
        stream,
      })),
    );
  });
}

/** names of the methods carrying a route decorator, inherited ones included, in declaration order */
function handlerNames(controller: Type<unknown>): string[] {
  const names: string[] = [];
  for (let proto = controller.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      const isRoute = name !== 'constructor' && typeof descriptor?.value === 'function' && Reflect.getMetadata(METHOD_METADATA, descriptor.value) !== undefined;
      if (isRoute && !names.includes(name)) names.push(name);
    }
  }
  return names;
}

function resolveEntry(entry: ModuleEntry): Type<unknown> | DynamicModule {
  // an async module would hide its controllers from this reading: refuse it rather than forget routes
  if (entry instanceof Promise) throw new Error('an async dynamic module cannot be read for routes');
  if ('forwardRef' in entry) return entry.forwardRef() as Type<unknown>;
  return entry;
}

function splitModule(module: Type<unknown> | DynamicModule): { moduleClass: Type<unknown>; dynamic?: DynamicModule } {
  return 'module' in module ? { moduleClass: module.module, dynamic: module } : { moduleClass: module as Type<unknown> };
}

function metadataList<T>(target: object, key: string): T[] {
  return (Reflect.getMetadata(key, target) as T[] | undefined) ?? [];
}

function pathsOf(metadata: string | string[] | undefined): string[] {
  if (metadata === undefined) return ['/'];
  return Array.isArray(metadata) ? metadata : [metadata];
}

/** `v1/tickets` + `:id/history` -> `/v1/tickets/:id/history`; `/` + `/` -> `/` */
function joinPath(prefix: string, path: string): string {
  const joined = `/${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}
