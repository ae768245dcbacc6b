import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { Actor, TICKETS_TOPIC } from '@support/contracts';
import { createRuntimeApp, ServiceDefinition, ServiceRuntime, signTestToken } from '@support/service-kit';
import { dropTestSchema, testInfra, uniqueSchemaName } from '@support/test-kit';
import { routingService } from '../../src/routing.app';
import { RoutingRuntime } from '../../src/routing.providers';

export const TEST_SECRET = 'routing-system-e2e-secret-that-is-long-enough-0123456789';

/**
 * Intake is loaded by path at run time: this harness runs the two services side by side, but the
 * project graph must keep showing routing depending on libs only (services never import each other).
 */
function intakeDefinition(): ServiceDefinition<ServiceRuntime> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(__dirname, '..', '..', '..', 'intake', 'src', 'intake.app')).intakeService;
}

interface RunningService<R extends ServiceRuntime> {
  url: string;
  schema: string;
  runtime: R;
  app: INestApplication;
}

export interface RunningSystem {
  intake: RunningService<ServiceRuntime>;
  /** the routing instance running now (a new object after `restartRouting`) */
  readonly routing: RunningService<RoutingRuntime>;
  /** routing's consumer group on `support.tickets.v1` */
  readonly routingGroup: string;
  /** background errors of either service (relay, consumers), for diagnosis */
  readonly errors: Array<{ service: string; error: unknown }>;
  token(actor: Partial<Actor> & Pick<Actor, 'role'>): Promise<string>;
  /** stops routing (HTTP, consumer, relay, pool) and leaves its schema and consumer group as they are */
  stopRouting(): Promise<void>;
  /** starts routing again on the same schema and consumer group: it continues from the committed offsets */
  startRouting(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Intake and routing in this process over real HTTP, PostgreSQL and Kafka, each in a schema of its
 * own. Both see only what is published after they started: intake's consumers start from the latest
 * offsets, and routing's group gets the current end of `support.tickets.v1` committed before its first
 * start, so that routing (like in production) always resumes from committed offsets, also on a
 * partition it had not read from before a restart.
 */
export async function startSystem(): Promise<RunningSystem> {
  const infra = testInfra();
  const errors: RunningSystem['errors'] = [];
  const logLevelName = (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent';
  const config = (serviceName: string) => ({
    serviceName,
    port: 0,
    databaseUrl: infra.databaseUrl,
    kafkaBrokers: infra.kafkaBrokers,
    logLevel: logLevelName,
    auth: { jwtSecret: TEST_SECRET },
  });

  async function start<R extends ServiceRuntime>(definition: ServiceDefinition<R>, schema: string, consumeFromBeginning: boolean): Promise<RunningService<R>> {
    const settings = { databaseUrl: infra.databaseUrl, kafkaBrokers: infra.kafkaBrokers, schema, consumeFromBeginning };
    const runtime = await definition.startRuntime(settings, (error) => errors.push({ service: definition.serviceName, error }));
    const app = await createRuntimeApp(definition, runtime, config(definition.serviceName));
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, schema, runtime, app };
  }

  const intake = await start(intakeDefinition(), uniqueSchemaName('sys_intake'), false);
  const routingSchema = uniqueSchemaName('sys_routing');
  const routingGroup = `${routingSchema}.ticket-events`;
  await commitTopicEnd(routingGroup, TICKETS_TOPIC);
  let routing: RunningService<RoutingRuntime> | undefined = await start(routingService, routingSchema, true);

  return {
    intake,
    get routing() {
      if (!routing) throw new Error('routing is stopped');
      return routing;
    },
    routingGroup,
    errors,
    token: (actor) => signTestToken(TEST_SECRET, { id: actor.id ?? `${actor.role}-1`, role: actor.role, ...(actor.name ? { name: actor.name } : {}) }),
    async stopRouting() {
      const running = routing;
      routing = undefined;
      await running?.app.close();
    },
    async startRouting() {
      if (routing) throw new Error('routing is running already');
      routing = await start(routingService, routingSchema, true);
    },
    async stop() {
      await Promise.all([intake.app.close(), routing?.app.close()]);
      routing = undefined;
      await Promise.all([dropTestSchema(intake.schema), dropTestSchema(routingSchema)]);
      await deleteGroup(routingGroup);
    },
  };
}

/** commits the topic's current end offsets for a consumer group that has no running member */
async function commitTopicEnd(groupId: string, topic: string): Promise<void> {
  const admin = new Kafka({ clientId: 'system-harness', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId, topic, partitions: ends.map(({ partition, high }) => ({ partition, offset: high })) });
  } finally {
    await admin.disconnect();
  }
}

async function deleteGroup(groupId: string): Promise<void> {
  const admin = new Kafka({ clientId: 'system-harness', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.disconnect();
}

/**
 * Polls `probe` until it returns something other than undefined / null / false, and returns that.
 * On timeout the error names `what` and the last value `describe` made of the probe's state.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  options: { timeoutMs?: number; intervalMs?: number; describe?: () => Promise<unknown> } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) {
      const state = options.describe ? await options.describe().catch((e) => `(describe failed: ${e})`) : undefined;
      throw new Error(`timed out after ${options.timeoutMs ?? 15_000} ms waiting for ${what}${state === undefined ? '' : `; last state: ${JSON.stringify(state)}`}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/** fetch with a JSON body; `json()` is typed loosely because tests assert on the shape */
export async function jsonRequest(url: string, token: string | null, method: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return response as Omit<Response, 'json'> & { json(): Promise<any> };
}
