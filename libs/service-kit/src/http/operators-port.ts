import { NotFoundException } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyInstance } from 'fastify';
import { createServer, IncomingMessage, RequestListener, Server } from 'node:http';

// what only operators need: the process's figures and the API's documents (Swagger UI and its assets)
const OPERATORS_ONLY = /^\/(metrics|docs)(\/|$)/;
// the operators' port also answers health, so an orchestrator may probe either port
const HEALTH = /^\/health(\/|$)/;
const VIA_OPERATORS_PORT = Symbol('viaOperatorsPort');

type MarkedRequest = IncomingMessage & { [VIA_OPERATORS_PORT]?: true };

/**
 * For a service with an operators' port (`OPS_PORT`): `/metrics` and `/docs` answer there only (404 on
 * the public port, as if absent), and that port serves nothing else but health. Without one, everything
 * is served on the public port (development) and no hook is added.
 */
export function guardOperatorsPort(fastify: FastifyInstance, opsPort: number | undefined): void {
  if (opsPort === undefined) return;
  fastify.addHook('onRequest', (request, _reply, done) => {
    const path = request.url.split('?')[0];
    const viaOperatorsPort = (request.raw as MarkedRequest)[VIA_OPERATORS_PORT] === true;
    const allowed = viaOperatorsPort ? OPERATORS_ONLY.test(path) || HEALTH.test(path) : !OPERATORS_ONLY.test(path);
    done(allowed ? undefined : new NotFoundException(`Cannot ${request.method} ${path}`));
  });
}

/**
 * Serves the app a second time on the operators' port (call after `app.listen`); it closes with the app.
 * Requests that come in there are marked, for {@link guardOperatorsPort}.
 */
export async function listenForOperators(app: NestFastifyApplication, port: number, host?: string): Promise<Server> {
  const publicServer = app.getHttpServer();
  // fastify's own request handler, as the public server calls it
  const handle = publicServer.listeners('request')[0] as RequestListener;
  const server = createServer((req: MarkedRequest, res) => {
    req[VIA_OPERATORS_PORT] = true;
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  publicServer.once('close', () => {
    server.close();
    server.closeAllConnections();
  });
  return server;
}
