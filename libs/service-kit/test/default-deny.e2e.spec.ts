import { Controller, DynamicModule, Get, Module, Post } from '@nestjs/common';
import { createLogger, createServiceApp, Public, Roles, ServiceKitModule, signTestToken, UndeclaredRolesError, undeclaredRoutes } from '../src';
import { sampleConfig } from './support/serve-sample';

const SECRET = 'default-deny-e2e-secret-long-enough-0123456789';
const config = sampleConfig({ auth: { jwtSecret: SECRET } });

@Controller('v1/open-by-omission')
class ForgetfulController {
  @Get()
  @Roles('lead')
  list() {
    return [];
  }

  // no @Roles: before default deny, any valid token got through
  @Post()
  open() {
    return { opened: true };
  }
}

class DeclaringBase {
  @Get('inherited')
  inherited() {
    return { inherited: true };
  }
}

@Roles('agent')
@Controller('v1/declared')
class DeclaredController extends DeclaringBase {
  @Get()
  list() {
    return [];
  }

  @Public()
  @Get('ping')
  ping() {
    return { pong: true };
  }

  // not a route: needs no declaration
  helper() {
    return 1;
  }
}

@Controller('v1/inherits-undeclared')
class InheritsUndeclaredController extends DeclaringBase {}

function rootModule(...controllers: Array<new (...args: never[]) => unknown>): DynamicModule {
  @Module({})
  class Root {}
  return { module: Root, imports: [ServiceKitModule.forRoot({ config })], controllers };
}

const start = (module: DynamicModule) => createServiceApp(module, config, { logger: createLogger('sample', 'silent'), openApi: false });

describe('default deny: a route must declare who may call it', () => {
  it('refuses to start an app with a route that declares neither @Roles nor @Public, naming its controller and handler', async () => {
    const starting = start(rootModule(DeclaredController, ForgetfulController, InheritsUndeclaredController));
    await expect(starting).rejects.toThrow(UndeclaredRolesError);
    await expect(starting).rejects.toThrow(
      'every route must declare @Roles(...) or @Public(); these declare neither: ForgetfulController.open, InheritsUndeclaredController.inherited',
    );
  });

  it('starts when every route declares, on the handler or the controller, and lets only the declared roles through', async () => {
    const app = await start(rootModule(DeclaredController));
    await app.listen(0, '127.0.0.1');
    try {
      const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
      const as = async (role: 'agent' | 'lead', path: string) =>
        (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${await signTestToken(SECRET, { id: `m-${role}`, role })}` } })).status;
      expect(await as('agent', '/v1/declared')).toBe(200);
      expect(await as('agent', '/v1/declared/inherited')).toBe(200);
      expect(await as('lead', '/v1/declared')).toBe(403);
      expect((await fetch(`${url}/v1/declared/ping`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('reads the declarations the way the guard does: the handler’s, else the controller’s', () => {
    expect(undeclaredRoutes([DeclaredController, ForgetfulController, InheritsUndeclaredController])).toEqual([
      'ForgetfulController.open',
      'InheritsUndeclaredController.inherited',
    ]);
  });
});
