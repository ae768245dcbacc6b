import createClient, { Client, ClientOptions } from 'openapi-fetch';
import type { paths as DashboardPaths } from './generated/dashboard.openapi';
import type { paths as FieldServicePaths } from './generated/field-service.openapi';
import type { paths as IntakePaths } from './generated/intake.openapi';
import type { paths as KnowledgeBasePaths } from './generated/knowledge-base.openapi';
import type { paths as LeadPoolPaths } from './generated/lead-pool.openapi';
import type { paths as RoutingPaths } from './generated/routing.openapi';
import type { paths as SlaMonitorPaths } from './generated/sla-monitor.openapi';

export type { DashboardPaths, FieldServicePaths, IntakePaths, KnowledgeBasePaths, LeadPoolPaths, RoutingPaths, SlaMonitorPaths };

/** Where a service answers and who calls it. */
export interface ServiceClientOptions {
  /** e.g. `http://intake:3001` */
  baseUrl: string;
  /** a JWT (API.md "auth"): sent as `Authorization: Bearer <token>` */
  token?: string;
  /** sent with every request (e.g. `X-Correlation-Id`); a call's own headers (If-Match, Idempotency-Key) go with the call */
  headers?: Record<string, string>;
  /** another fetch (a proxy, a test's); the global one by default */
  fetch?: ClientOptions['fetch'];
}

/**
 * A typed client of one service over openapi-fetch: `client.GET('/v1/tickets/{id}', { params: { path: { id } } })`
 * answers `{ data, error, response }` typed from the service's OpenAPI document (`src/generated`).
 */
export function serviceClient<Paths extends object>(options: ServiceClientOptions): Client<Paths> {
  return createClient<Paths>({
    baseUrl: options.baseUrl,
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

export const dashboardClient = (options: ServiceClientOptions) => serviceClient<DashboardPaths>(options);
export const intakeClient = (options: ServiceClientOptions) => serviceClient<IntakePaths>(options);
export const routingClient = (options: ServiceClientOptions) => serviceClient<RoutingPaths>(options);
export const slaMonitorClient = (options: ServiceClientOptions) => serviceClient<SlaMonitorPaths>(options);
export const fieldServiceClient = (options: ServiceClientOptions) => serviceClient<FieldServicePaths>(options);
export const knowledgeBaseClient = (options: ServiceClientOptions) => serviceClient<KnowledgeBasePaths>(options);
export const leadPoolClient = (options: ServiceClientOptions) => serviceClient<LeadPoolPaths>(options);
