import { existsSync } from 'node:fs';
import { postgresAnswers, tcpAnswers, testInfra } from './test-infra';
import { startContainers } from './containers';
import { provisionTestRoles } from './test-roles';

/**
 * Tests take PostgreSQL and Kafka from the environment (DATABASE_URL, KAFKA_BROKERS, or the local
 * defaults that `npm run infra:up` starts). Only when neither answers and a Docker engine is present
 * do we start them with testcontainers.
 */
export default async function globalSetup(): Promise<void> {
  const infra = testInfra();
  const [pgUp, kafkaUp] = await Promise.all([postgresAnswers(infra.databaseUrl), tcpAnswers(infra.kafkaBrokers[0])]);
  if (pgUp && kafkaUp) return provisionTestRoles();
  if (dockerAvailable()) {
    const started = await startContainers({ postgres: !pgUp, kafka: !kafkaUp });
    Object.assign(process.env, started.env);
    (globalThis as { __containers__?: unknown }).__containers__ = started;
    // services run as their own roles, migrated by the owner (see test-roles)
    return provisionTestRoles();
  }
  const missing = [!pgUp && `PostgreSQL at ${infra.databaseUrl}`, !kafkaUp && `Kafka at ${infra.kafkaBrokers.join(',')}`].filter(Boolean);
  throw new Error(`test infrastructure not reachable: ${missing.join(' and ')}. Run "npm run infra:up" (or set DATABASE_URL / KAFKA_BROKERS).`);
}

function dockerAvailable(): boolean {
  return existsSync('/var/run/docker.sock') || Boolean(process.env.DOCKER_HOST);
}
