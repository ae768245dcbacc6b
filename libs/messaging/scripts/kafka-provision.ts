// Makes a cluster ready for the services, as its admin principal: every catalogue topic and every
// principal's ACLs (libs/messaging's kafkaAccessPlan). Idempotent; run after the broker starts and
// whenever the catalogue gains a topic or a service a subscription.
//
// Run: npm run kafka:provision [-- --extra-group-prefix t_ ...]
// Environment: KAFKA_BROKERS (default 127.0.0.1:9092); the admin's KAFKA_SASL_USERNAME with
// KAFKA_SASL_PASSWORD_FILE (or KAFKA_SASL_PASSWORD), or KAFKA_CREDENTIALS_FILE (a local broker's
// credentials.json, default .data/kafka/credentials.json); KAFKA_TLS_CA_FILE or KAFKA_TLS=true for TLS.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createKafka, KAFKA_ADMIN_PRINCIPAL, kafkaConnectionFromEnv, provisionKafka } from '@support/messaging';

const LOCAL_CREDENTIALS = resolve(__dirname, '../../../../.data/kafka/credentials.json');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'extra-group-prefix': { type: 'string', multiple: true } } });
  const env = { ...process.env };
  if (!env.KAFKA_SASL_USERNAME && !env.KAFKA_CREDENTIALS_FILE && existsSync(LOCAL_CREDENTIALS)) env.KAFKA_CREDENTIALS_FILE = LOCAL_CREDENTIALS;
  const connection = kafkaConnectionFromEnv(env, KAFKA_ADMIN_PRINCIPAL);
  const kafka = createKafka(`kafka-provision-${process.pid}`, connection, pino({ level: 'error' }, pino.destination(2)));
  const done = await provisionKafka(kafka, { extraGroupPrefixes: values['extra-group-prefix'] ?? [] });
  process.stdout.write(`kafka provisioned on ${connection.brokers.join(',')}: ${done.topics} topics, ${done.acls} ACL entries\n`);
}

main().catch((error) => {
  process.stderr.write(`kafka:provision failed: ${(error as Error)?.message ?? error}\n`);
  process.exit(1);
});
