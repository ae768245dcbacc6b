// first: the imports below reach the libs by their @support/* names
import './register-workspace-paths';
import { existsSync } from 'node:fs';
import { createKafka, KAFKA_ADMIN_PRINCIPAL, provisionKafka } from '@support/messaging';
import pino from 'pino';
import { postgresAnswers, tcpAnswers, testInfra } from './test-infra';
import { startContainers } from './containers';
import { kafkaAs } from './test-kafka';
import { provisionTestRoles } from './test-roles';

/**
 * Tests take PostgreSQL and Kafka from the environment (DATABASE_URL, KAFKA_BROKERS, or the local
 * defaults that `npm run infra:up` starts). Only when neither answers and a Docker engine is present
 * do we start them with testcontainers.
 */
export default async function globalSetup(): Promise<void> {
  const infra = testInfra();
  const [pgUp, kafkaUp] = await Promise.all([postgresAnswers(infra.databaseUrl), tcpAnswers(infra.kafkaBrokers[0])]);
  if (pgUp && kafkaUp) return provision();
  if (dockerAvailable()) {
    const started = await startContainers({ postgres: !pgUp, kafka: !kafkaUp });
    Object.assign(process.env, started.env);
    (globalThis as { __containers__?: unknown }).__containers__ = started;
    return provision();
  }
  const missing = [!pgUp && `PostgreSQL at ${infra.databaseUrl}`, !kafkaUp && `Kafka at ${infra.kafkaBrokers.join(',')}`].filter(Boolean);
  throw new Error(`test infrastructure not reachable: ${missing.join(' and ')}. Run "npm run infra:up" (or set DATABASE_URL / KAFKA_BROKERS).`);
}

// services run as their own database roles, migrated by the owner (see test-roles), and as their own Kafka
// principals, whose ACLs also cover the tests' schemas: groups and dead-letter topics named t_…
async function provision(): Promise<void> {
  await provisionTestRoles();
  const admin = createKafka('test-provision', kafkaAs(KAFKA_ADMIN_PRINCIPAL), pino({ level: 'error' }));
  await provisionKafka(admin, { extraGroupPrefixes: ['t_'] });
}

function dockerAvailable(): boolean {
  return existsSync('/var/run/docker.sock') || Boolean(process.env.DOCKER_HOST);
}
