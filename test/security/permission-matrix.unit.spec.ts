import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Module, Post, Put, Sse } from '@nestjs/common';
import { ROLES } from '@support/contracts';
import { Public, Roles } from '@support/service-kit';
import { permissionMatrix, SECURITY_DOC_PATH, securityMarkdown } from './permission-matrix';
import { allows, routesOfModule } from './route-metadata';

const root = join(__dirname, '..', '..');
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];
const matrix = permissionMatrix();
const everyRoute = matrix.flatMap(({ service, routes }) => routes.map((route) => ({ service, ...route })));
const named = (route: { service: string; method: string; path: string }) => `${route.service} ${route.method} ${route.path}`;

describe('the permission matrix as a documented product', () => {
  it('docs/security.md is what the routes generate (run `npm run security:docs` after changing a route or its roles)', () => {
    expect(readFileSync(join(root, SECURITY_DOC_PATH), 'utf8')).toBe(securityMarkdown(matrix));
  });

  it('reads routes from every service, each method and path once', () => {
    for (const { service, routes } of matrix) {
      // the service's name in the pair says which one came back empty
      expect([service, routes.some((route) => !route.isPublic)]).toEqual([service, true]);
      const keys = routes.map((route) => `${route.method} ${route.path}`);
      expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
    }
  });
});

// the rules of DOMAIN.md that a role list alone can break
describe('the routes keep to the roles table of DOMAIN.md', () => {
  it('names the roles of every route that needs a token: none is open to any token by omission', () => {
    expect(everyRoute.filter((route) => !route.isPublic && route.roles === null).map(named)).toEqual([]);
    expect(everyRoute.flatMap((route) => route.roles ?? []).filter((role) => !ROLES.includes(role))).toEqual([]);
  });

  it('lets an analyst read only: never on a POST, PUT, PATCH or DELETE', () => {
    expect(everyRoute.filter((route) => WRITES.includes(route.method) && !route.isPublic && allows(route, 'analyst')).map(named)).toEqual([]);
  });

  it('keeps contractors out of the lead pool', () => {
    expect(everyRoute.filter((route) => route.service === 'lead-pool' && !route.isPublic && allows(route, 'contractor')).map(named)).toEqual([]);
  });

  it('keeps contractors off prices: quoting and answering a quote', () => {
    expect(everyRoute.filter((route) => /\/quote(\/|$)/.test(route.path) && allows(route, 'contractor')).map(named)).toEqual([]);
  });

  it('keeps public only what needs no token: health, metrics and the dashboard page with its assets', () => {
    const open = everyRoute.filter((route) => route.isPublic);
    expect(open.filter((route) => route.method !== 'GET' || route.path.startsWith('/v1/')).map(named)).toEqual([]);
  });
});

describe('reading routes off the metadata', () => {
  @Roles('lead', 'senior')
  @Controller('v1/things')
  class ThingController {
    @Get()
    list() {}

    @Post(':id/approval')
    @Roles('lead')
    approve() {}

    @Put(['a', 'b'])
    twoPaths() {}

    @Sse('live')
    live() {}

    @Get('ping')
    @Public()
    ping() {}

    helper() {}
  }

  @Public()
  @Controller()
  class PageController {
    @Get()
    page() {}
  }

  @Module({ controllers: [PageController] })
  class PageModule {}

  it('joins paths, prefers the handler over the controller, and walks imported modules', () => {
    const routes = routesOfModule({ module: class Root {}, imports: [PageModule], controllers: [ThingController] });
    expect(routes.map(({ method, path, roles, isPublic, stream }) => ({ method, path, roles, isPublic, stream }))).toEqual([
      { method: 'GET', path: '/v1/things', roles: ['lead', 'senior'], isPublic: false, stream: false },
      { method: 'POST', path: '/v1/things/:id/approval', roles: ['lead'], isPublic: false, stream: false },
      { method: 'PUT', path: '/v1/things/a', roles: ['lead', 'senior'], isPublic: false, stream: false },
      { method: 'PUT', path: '/v1/things/b', roles: ['lead', 'senior'], isPublic: false, stream: false },
      { method: 'GET', path: '/v1/things/live', roles: ['lead', 'senior'], isPublic: false, stream: true },
      { method: 'GET', path: '/v1/things/ping', roles: ['lead', 'senior'], isPublic: true, stream: false },
      { method: 'GET', path: '/', roles: null, isPublic: true, stream: false },
    ]);
  });
});
