import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import pino from 'pino';
import { connectionFromCredentialsFile, createKafka, KAFKA_ADMIN_PRINCIPAL, KafkaConnection, MessagingClient } from '@support/messaging';
import { testInfra } from './test-infra';

// deploy/local/kafka.sh keeps the local broker's passwords here; the fault suite's broker names its own
const LOCAL_CREDENTIALS = resolve(__dirname, '../../../.data/kafka/credentials.json');

/** The test broker's credentials file (KAFKA_CREDENTIALS_FILE, else the local broker's), if it has one. */
export function kafkaCredentialsFile(): string | undefined {
  const file = process.env.KAFKA_CREDENTIALS_FILE ?? LOCAL_CREDENTIALS;
  return existsSync(file) ? file : undefined;
}

/**
 * A principal's connection to the test broker. A broker started without credentials (testcontainers')
 * is open, and every principal connects anonymously.
 */
export function kafkaAs(principal: string): KafkaConnection {
  const { kafkaBrokers } = testInfra();
  const file = kafkaCredentialsFile();
  return file ? connectionFromCredentialsFile(kafkaBrokers, file, principal) : { brokers: kafkaBrokers };
}

/** What a test hands a service's runtime: the broker and the service's own principal, bound by its ACLs. */
export function serviceKafka(service: string): { kafka: KafkaConnection } {
  return { kafka: kafkaAs(service) };
}

/**
 * A test's own client, quiet: as the operator (admin) by default, who may publish what another service
 * would, read any topic and reset any group; `brokers` for a broker other than the test broker.
 */
export function testMessagingClient(clientId = 'test', { principal = KAFKA_ADMIN_PRINCIPAL, brokers }: { principal?: string; brokers?: string[] } = {}): MessagingClient {
  return createKafka(clientId, { ...kafkaAs(principal), ...(brokers ? { brokers } : {}) }, pino({ level: 'silent' }));
}
