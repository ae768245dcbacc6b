import { Client } from 'pg';
import { Socket } from 'node:net';

/** Where tests find PostgreSQL and Kafka. */
export interface TestInfra {
  databaseUrl: string;
  kafkaBrokers: string[];
}

const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_KAFKA = '127.0.0.1:9092';

/** Infra from the environment (DATABASE_URL, KAFKA_BROKERS), else the local defaults. */
export function testInfra(): TestInfra {
  return {
    databaseUrl: process.env.DATABASE_URL ?? LOCAL_DATABASE_URL,
    kafkaBrokers: (process.env.KAFKA_BROKERS ?? LOCAL_KAFKA).split(',').map((b) => b.trim()),
  };
}

export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function tcpAnswers(hostPort: string, timeoutMs = 3000): Promise<boolean> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port), host, () => done(true));
  });
}
