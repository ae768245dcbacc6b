import { dashboardClient, fieldServiceClient, intakeClient, knowledgeBaseClient, leadPoolClient, routingClient, slaMonitorClient } from '@support/api-client';
import { RunningSystem } from './system-harness';

// the system tests call the services through the client generated from their OpenAPI documents (libs/api-client):
// a path, body or answer that no longer matches a document does not compile

/** The typed clients of the running services, calling as the token's holder; each made when asked for (routing may be stopped meanwhile). */
export function clientsOf(system: RunningSystem, token: string) {
  const as = (url: string) => ({ baseUrl: url, token });
  return {
    get intake() {
      return intakeClient(as(system.intake.url));
    },
    get routing() {
      return routingClient(as(system.routing.url));
    },
    get sla() {
      return system.sla && slaMonitorClient(as(system.sla.url));
    },
    get field() {
      return system.field && fieldServiceClient(as(system.field.url));
    },
    get knowledge() {
      return system.knowledge && knowledgeBaseClient(as(system.knowledge.url));
    },
    get leads() {
      return system.leads && leadPoolClient(as(system.leads.url));
    },
    get dashboard() {
      return system.dashboard && dashboardClient(as(system.dashboard.url));
    },
  };
}

/** A typed call's answer, checked: its status must be the one expected (200 unless said), then its body is the data. */
export async function answer<Data>(call: Promise<{ data?: Data; error?: unknown; response: Response }>, status = 200): Promise<Data> {
  const { data, error, response } = await call;
  expect([response.url, response.status, error ?? null]).toEqual([response.url, status, null]);
  return data as Data;
}

/** Every item of a paged list (`{ items, nextCursor }`), a page of 200 at a time: `read(cursor)` reads one page. */
export async function allItems<Item>(read: (page: { limit: number; cursor?: string }) => Promise<{ items: Item[]; nextCursor?: string | null }>): Promise<Item[]> {
  const items: Item[] = [];
  for (let cursor: string | null | undefined; cursor !== null;) {
    const page = await read({ limit: 200, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor ?? null;
  }
  return items;
}
