import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';

/** SASL mechanisms a service signs in with (the brokers store SCRAM credentials, never the passwords). */
export const KAFKA_SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

export interface KafkaSasl {
  mechanism: KafkaSaslMechanism;
  username: string;
  password: string;
}

/** How a client reaches and signs in to the cluster: the brokers, its principal's credentials, TLS. */
export interface KafkaConnection {
  brokers: string[];
  /** left out only against an open broker (a developer's own); every broker this project starts asks for it */
  sasl?: KafkaSasl;
  /** TLS to the brokers, checked against `ca` (PEM) or, without it, the system's certificate authorities */
  tls?: { ca?: string };
}

/** kafkajs' options for a connection. */
export function kafkaClientOptions(connection: KafkaConnection): Pick<KafkaConfig, 'brokers' | 'sasl' | 'ssl'> {
  const { brokers, sasl, tls } = connection;
  return {
    brokers,
    sasl: sasl as SASLOptions | undefined,
    ssl: tls ? { rejectUnauthorized: true, ...(tls.ca ? { ca: [tls.ca] } : {}) } : undefined,
  };
}

/**
 * A principal's connection from a credentials file `{ "<principal>": "<password>", ... }`, the file
 * deploy/local/kafka.sh writes for every principal of a local broker (KAFKA_DATA_DIR/credentials.json).
 */
export function connectionFromCredentialsFile(brokers: string[], file: string, principal: string): KafkaConnection {
  const credentials = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const password = credentials[principal];
  if (!password) throw new Error(`${file} has no password for the Kafka principal ${principal}`);
  return { brokers, sasl: { mechanism: 'scram-sha-512', username: principal, password } };
}

/** The variables a connection is read from (API.md "Every service" and deploy/compose/README.md). */
export interface KafkaConnectionEnv {
  KAFKA_BROKERS?: string;
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
  KAFKA_SASL_PASSWORD_FILE?: string;
  KAFKA_SASL_MECHANISM?: string;
  KAFKA_TLS?: string;
  KAFKA_TLS_CA_FILE?: string;
  /** a local broker's credentials.json: signs in as `principal` when no KAFKA_SASL_USERNAME is given */
  KAFKA_CREDENTIALS_FILE?: string;
}

/**
 * A connection from the environment: KAFKA_SASL_USERNAME with KAFKA_SASL_PASSWORD_FILE (or
 * KAFKA_SASL_PASSWORD), or else `principal` from KAFKA_CREDENTIALS_FILE; TLS with KAFKA_TLS_CA_FILE or
 * KAFKA_TLS=true. Services validate these first (service-kit's ServiceEnv names a bad variable).
 */
export function kafkaConnectionFromEnv(env: KafkaConnectionEnv, principal?: string): KafkaConnection {
  const brokers = (env.KAFKA_BROKERS ?? '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const tls = env.KAFKA_TLS_CA_FILE?.trim() ? { ca: readFileSync(env.KAFKA_TLS_CA_FILE.trim(), 'utf8') } : env.KAFKA_TLS === 'true' ? {} : undefined;
  const username = env.KAFKA_SASL_USERNAME?.trim();
  if (username) {
    const password = env.KAFKA_SASL_PASSWORD_FILE?.trim() ? readFileSync(env.KAFKA_SASL_PASSWORD_FILE.trim(), 'utf8').trim() : env.KAFKA_SASL_PASSWORD;
    if (!password) throw new Error('KAFKA_SASL_PASSWORD_FILE (or KAFKA_SASL_PASSWORD) is required with KAFKA_SASL_USERNAME');
    const mechanism = (env.KAFKA_SASL_MECHANISM?.trim() || 'scram-sha-512') as KafkaSaslMechanism;
    return { brokers, sasl: { mechanism, username, password }, tls };
  }
  if (principal && env.KAFKA_CREDENTIALS_FILE?.trim()) return { ...connectionFromCredentialsFile(brokers, env.KAFKA_CREDENTIALS_FILE.trim(), principal), tls };
  return { brokers, tls };
}
