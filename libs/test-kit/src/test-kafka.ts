import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KafkaConfig } from 'kafkajs';
import { connectionFromCredentialsFile, KAFKA_ADMIN_PRINCIPAL, KafkaConnection, kafkaClientOptions } from '@support/messaging';
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
 * kafkajs options for a test's own plain client (spread into `new Kafka({...})`): as the operator
 * (admin) by default, who may publish what another service would, read any topic and reset any group.
 */
export function testKafkaOptions(principal = KAFKA_ADMIN_PRINCIPAL): Pick<KafkaConfig, 'brokers' | 'sasl' | 'ssl'> {
  return kafkaClientOptions(kafkaAs(principal));
}
