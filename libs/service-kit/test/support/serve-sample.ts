import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger, createServiceApp, HealthOptions, ServiceAppOptions, ServiceConfig } from '../../src';
import { SampleModule } from './sample.module';

/** A request as the specs write it: a token (or none), a JSON body, extra headers. */
export interface SampleCall {
  method?: string;
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The sample app listening on a free port of 127.0.0.1. */
export interface ServedSample {
  app: NestFastifyApplication;
  url: string;
  call(path: string, init?: SampleCall): Promise<Response>;
}

/** A test's config: the sample service with `auth` and anything else the test sets. */
export function sampleConfig(overrides: Partial<ServiceConfig> & Pick<ServiceConfig, 'auth'>): ServiceConfig {
  return {
    serviceName: 'sample',
    port: 0,
    databaseUrl: 'postgres://unused@127.0.0.1:5432/unused',
    kafka: { brokers: ['127.0.0.1:9092'] },
    logLevel: 'info',
    ...overrides,
  };
}

/** Builds the sample app with the kit (quiet unless a logger is given) and starts it. */
export async function serveSample(config: ServiceConfig, options: ServiceAppOptions & { readiness?: HealthOptions } = {}): Promise<ServedSample> {
  const { readiness, ...appOptions } = options;
  const app = await createServiceApp(SampleModule.register(config, readiness ?? { probes: [] }), config, {
    logger: createLogger('sample', 'silent'),
    ...appOptions,
  });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  return { app, url, call: (path, init) => call(url, path, init) };
}

function call(url: string, path: string, init: SampleCall = {}): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body !== undefined && { 'content-type': 'application/json' }),
      ...(init.token && { authorization: `Bearer ${init.token}` }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
}
