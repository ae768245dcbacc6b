import { NotFoundException } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { createServer, IncomingMessage, Server } from 'node:http';

// what only operators need: the process's figures and the API's documents (Swagger UI and its assets)
const OPERATORS_ONLY = /^\/(metrics|docs)(\/|$)/;
// the operators' port also answers health, so an orchestrator may probe either port
const HEALTH = /^\/health(\/|$)/;
const VIA_OPERATORS_PORT = Symbol('viaOperatorsPort');

type Request = IncomingMessage & { path?: string; [VIA_OPERATORS_PORT]?: true };

/**
 * Express middleware for a service with an operators' port (`OPS_PORT`): `/metrics` and `/docs` answer
 * there only (404 on the public port, as if absent), and that port serves nothing else but health.
 * Without one, everything is served on the public port (development).
 */
export function operatorsPortMiddleware(opsPort: number | undefined) {
  return (req: Request, _res: unknown, next: (err?: unknown) => void): void => {
    if (opsPort === undefined) return next();
    const path = req.path ?? (req.url ?? '/').split('?')[0];
    const viaOperatorsPort = req[VIA_OPERATORS_PORT] === true;
    const allowed = viaOperatorsPort ? OPERATORS_ONLY.test(path) || HEALTH.test(path) : !OPERATORS_ONLY.test(path);
    next(allowed ? undefined : new NotFoundException(`Cannot ${req.method} ${path}`));
  };
}

/**
 * Serves the app a second time on the operators' port (call after `app.listen`); it closes with the app.
 * Requests that come in there are marked, for {@link operatorsPortMiddleware}.
 */
export async function listenForOperators(app: NestExpressApplication, port: number, host?: string): Promise<Server> {
  const handle = app.getHttpAdapter().getInstance() as (req: IncomingMessage, res: unknown) => void;
  const server = createServer((req: Request, res) => {
    req[VIA_OPERATORS_PORT] = true;
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  app.getHttpServer().once('close', () => {
    server.close();
    server.closeAllConnections();
  });
  return server;
}
