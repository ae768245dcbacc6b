import { INestApplication } from '@nestjs/common';
import { Actor, Clock, TICKETS_TOPIC } from '@support/contracts';
import { withTopicAdmin } from '@support/messaging';
import { serveOnFreePort, ServiceDefinition, ServiceRuntime, signTestToken } from '@support/service-kit';
import { dropTestSchema, serviceDatabase, testInfra, uniqueSchemaName, serviceKafka, testMessagingClient } from '@support/test-kit';
import { intakeService } from '../../../services/intake/src/intake.app';
import { routingService } from '../../../services/routing/src/routing.app';
import { RoutingRuntime } from '../../../services/routing/src/routing.providers';
import { slaMonitorService } from '../../../services/sla-monitor/src/sla-monitor.app';
import { SlaMonitorRuntime } from '../../../services/sla-monitor/src/sla-monitor.providers';
import { fieldService } from '../../../services/field-service/src/field-service.app';
import { FieldServiceRuntime } from '../../../services/field-service/src/field-service.providers';
import { knowledgeBaseService } from '../../../services/knowledge-base/src/knowledge-base.app';
import { KnowledgeRuntime } from '../../../services/knowledge-base/src/knowledge-base.providers';
import { leadPoolService } from '../../../services/lead-pool/src/lead-pool.app';
import { LeadPoolRuntime } from '../../../services/lead-pool/src/lead-pool.providers';
import { dashboardService } from '../../../services/dashboard/src/dashboard.app';
import { DashboardRuntime } from '../../../services/dashboard/src/dashboard.providers';

export const TEST_SECRET = 'routing-system-e2e-secret-that-is-long-enough-0123456789';

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
  /** sla-monitor, when asked for: its clock is the test's, and it fires only on `monitor.runDue()` */
  readonly sla?: RunningService<SlaMonitorRuntime>;
  /** field-service, when asked for */
  readonly field?: RunningService<FieldServiceRuntime>;
  /** knowledge-base, when asked for */
  readonly knowledge?: RunningService<KnowledgeRuntime>;
  /** lead-pool, when asked for (its allocator runs only on `allocator.runDue()`) */
  readonly leads?: RunningService<LeadPoolRuntime>;
  /** the dashboard, when asked for (its projections start from what is published after it started) */
  readonly dashboard?: RunningService<DashboardRuntime>;
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
export async function startSystem(
  options: { slaClock?: Clock; fieldService?: boolean; knowledgeBase?: boolean; leadPool?: boolean; dashboard?: boolean } = {},
): Promise<RunningSystem> {
  const infra = testInfra();
  const errors: RunningSystem['errors'] = [];
  async function start<R extends ServiceRuntime>(definition: ServiceDefinition<R>, schema: string, consumeFromBeginning: boolean, extra: object = {}): Promise<RunningService<R>> {
    const settings = { ...serviceDatabase(definition.serviceName), ...serviceKafka(definition.serviceName), schema, consumeFromBeginning, ...extra };
    const runtime = await definition.startRuntime(settings, (error) => errors.push({ service: definition.serviceName, error }));
    const { app, url } = await serveOnFreePort(definition, runtime, { ...infra, jwtSecret: TEST_SECRET });
    return { url, schema, runtime, app };
  }

  const intake = await start(intakeService as ServiceDefinition<ServiceRuntime>, uniqueSchemaName('sys_intake'), false);
  const routingSchema = uniqueSchemaName('sys_routing');
  const routingGroup = `${routingSchema}.ticket-events`;
  await commitTopicEnd(routingGroup, TICKETS_TOPIC);
  let routing: RunningService<RoutingRuntime> | undefined = await start(routingService, routingSchema, true);
  const sla = options.slaClock ? await start(slaMonitorService, uniqueSchemaName('sys_sla'), false, { clock: options.slaClock, tickIntervalMs: null }) : undefined;
  const field = options.fieldService ? await start(fieldService, uniqueSchemaName('sys_field'), false) : undefined;
  const knowledge = options.knowledgeBase ? await start(knowledgeBaseService, uniqueSchemaName('sys_kb'), false) : undefined;
  const leads = options.leadPool ? await start(leadPoolService, uniqueSchemaName('sys_leads'), false, { tickIntervalMs: null }) : undefined;
  // the dashboard combines what-if simulations from the services running here (those not started are unreachable)
  const whatIfServices = { sla: sla?.url ?? 'http://127.0.0.1:9', routing: routing.url, leads: leads?.url ?? 'http://127.0.0.1:9' };
  const dashboard = options.dashboard ? await start(dashboardService, uniqueSchemaName('sys_dash'), false, { whatIfServices }) : undefined;

  return {
    intake,
    get routing() {
      if (!routing) throw new Error('routing is stopped');
      return routing;
    },
    sla,
    field,
    knowledge,
    leads,
    dashboard,
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
      await Promise.all([intake.app.close(), routing?.app.close(), sla?.app.close(), field?.app.close(), knowledge?.app.close(), leads?.app.close(), dashboard?.app.close()]);
      routing = undefined;
      await Promise.all(
        [intake.schema, routingSchema, sla?.schema, field?.schema, knowledge?.schema, leads?.schema, dashboard?.schema].flatMap((schema) =>
          schema ? [dropTestSchema(schema)] : [],
        ),
      );
      await deleteGroup(routingGroup);
    },
  };
}

/** commits the topic's current end offsets for a consumer group that has no running member */
async function commitTopicEnd(groupId: string, topic: string): Promise<void> {
  await withTopicAdmin(testMessagingClient('system-harness'), (admin) => admin.moveGroupToEnd(groupId, topic));
}

async function deleteGroup(groupId: string): Promise<void> {
  await withTopicAdmin(testMessagingClient('system-harness'), (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
}

export { everyItem, jsonRequest, waitFor } from '@support/test-kit';
