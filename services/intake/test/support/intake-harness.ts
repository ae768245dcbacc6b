import { INestApplication } from '@nestjs/common';
import { Actor } from '@support/contracts';
import { dropTestSchema, serviceDatabase, testInfra, uniqueSchemaName, serviceKafka, jsonRequest } from '@support/test-kit';
import { serveOnFreePort, signTestToken } from '@support/service-kit';
import { intakeService } from '../../src/intake.app';
import { IntakeRuntime, IntakeSettings, startIntakeRuntime } from '../../src/intake.providers';

export const TEST_SECRET = 'intake-e2e-secret-that-is-long-enough-0123456789';

export interface RunningIntake {
  url: string;
  schema: string;
  runtime: IntakeRuntime;
  app: INestApplication;
  token(actor: Partial<Actor> & Pick<Actor, 'role'>): Promise<string>;
  /** one JSON request with a token, its status and parsed body */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/** Intake in this process, over real HTTP, PostgreSQL and Kafka, in a schema of its own; `settings` for a clock and such. */
export async function startIntake(settings: Partial<Pick<IntakeSettings, 'clock' | 'idempotencyKeyTtlSeconds' | 'webhooks'>> = {}): Promise<RunningIntake> {
  const infra = testInfra();
  const schema = uniqueSchemaName('intake');
  const runtime = await startIntakeRuntime({ ...serviceDatabase('intake'), ...serviceKafka('intake'), schema, consumeFromBeginning: false, ...settings }, () => undefined);
  const { app, url } = await serveOnFreePort(intakeService, runtime, { ...infra, jwtSecret: TEST_SECRET });
  return {
    url,
    schema,
    runtime,
    app,
    token: (actor) => signTestToken(TEST_SECRET, { id: actor.id ?? `${actor.role}-1`, role: actor.role, name: actor.name }),
    async call(method, path, token, body) {
      const response = await jsonRequest(`${url}${path}`, token, method, body);
      return { status: response.status, body: await response.json() };
    },
    async stop() {
      await app.close();
      await dropTestSchema(schema);
    },
  };
}

export { jsonRequest } from '@support/test-kit';

export function aTicket(overrides: Record<string, unknown> = {}) {
  return {
    channel: 'wechat',
    customer: { name: '王女士', phone: `+86 138 ${Math.floor(1000_0000 + Math.random() * 8999_9999)}` },
    deviceModel: 'Dell XPS 15 9520',
    problem: '开机蓝屏，无法进入系统',
    urgency: 'urgent',
    ...overrides,
  };
}
