import { MigrationInterface } from 'typeorm';
import { RuntimeAccess } from '@support/event-store';
import { KeyringAccess } from '@support/personal-data';
import { DASHBOARD_SCHEMA, dashboardMigrations } from '../../services/dashboard/src/persistence/dashboard.migrations';
import { PROJECTION_TABLES } from '../../services/dashboard/src/persistence/dashboard.tables';
import { FIELD_SERVICE_SCHEMA, fieldServiceMigrations } from '../../services/field-service/src/persistence/field-service.migrations';
import { INTAKE_SCHEMA, intakeMigrations } from '../../services/intake/src/persistence/intake.migrations';
import { KNOWLEDGE_SCHEMA, knowledgeMigrations } from '../../services/knowledge-base/src/persistence/knowledge.migrations';
import { LEAD_POOL_SCHEMA, leadPoolMigrations } from '../../services/lead-pool/src/persistence/lead-pool.migrations';
import { ROUTING_SCHEMA, routingMigrations } from '../../services/routing/src/persistence/routing.migrations';
import { SLA_SCHEMA, slaMigrations } from '../../services/sla-monitor/src/persistence/sla.migrations';

/** One service's database: its default schema, its migrations, and what its runtime role may do beyond the defaults. */
export interface ServiceSchema extends RuntimeAccess {
  service: string;
  schema: string;
  migrations(schema: string): Array<new () => MigrationInterface>;
  /** what its runtime role may do with the keyring of data keys; none when absent */
  keyring?: KeyringAccess;
}

/** every service, with the schema it runs in unless SERVICE_SCHEMA says otherwise */
export const SERVICE_SCHEMAS: readonly ServiceSchema[] = [
  // it makes the customers' data keys and destroys one on erasure
  { service: 'intake', schema: INTAKE_SCHEMA, migrations: intakeMigrations, keyring: 'shred' },
  { service: 'routing', schema: ROUTING_SCHEMA, migrations: routingMigrations },
  { service: 'sla-monitor', schema: SLA_SCHEMA, migrations: slaMigrations },
  // it seals visits' and sheets' personal data with the customer's key, opens it for the technician, and
  // destroys the keys of an erased customer's tickets it sealed under the ticket's own id
  { service: 'field-service', schema: FIELD_SERVICE_SCHEMA, migrations: fieldServiceMigrations, keyring: 'shred' },
  { service: 'knowledge-base', schema: KNOWLEDGE_SCHEMA, migrations: knowledgeMigrations },
  // it seals each lead's contact with a key of the lead's, and destroys it when the lead or its customer is erased
  { service: 'lead-pool', schema: LEAD_POOL_SCHEMA, migrations: leadPoolMigrations, keyring: 'shred' },
  // its rebuild empties the projections with TRUNCATE; its timelines keep personal values sealed, opened when read
  { service: 'dashboard', schema: DASHBOARD_SCHEMA, migrations: dashboardMigrations, truncatable: PROJECTION_TABLES, keyring: 'open' },
];

export function serviceSchema(service: string): ServiceSchema {
  const found = SERVICE_SCHEMAS.find((s) => s.service === service);
  if (!found) throw new Error(`unknown service ${service}: one of ${SERVICE_SCHEMAS.map((s) => s.service).join(', ')}`);
  return found;
}
