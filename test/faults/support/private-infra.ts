import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const REPO = resolve(__dirname, '..', '..', '..');
const run = promisify(execFile);

/**
 * The fault-injection suite's own Kafka broker and PostgreSQL server, started by test/faults/run.sh
 * (deploy/local/kafka.sh and postgres.js with a data directory and ports of their own). The suite
 * stops and restarts them; these guards make sure that what it stops is never the shared broker on
 * :9092 or the shared PostgreSQL on :5432.
 */
export interface PrivateInfra {
  kafkaPort: number;
  kafkaBrokers: string[];
  databaseUrl: string;
  postgresPort: number;
  /** the env the deploy/local scripts need to act on the private servers, and only on them */
  scriptEnv: NodeJS.ProcessEnv;
}

export function privateInfra(): PrivateInfra {
  const env = process.env;
  const refuse = (why: string): never => {
    throw new Error(`the fault-injection suite stops and restarts its Kafka and PostgreSQL; ${why}. Run it with "npm run test:faults".`);
  };
  if (env.FAULTS_PRIVATE_INFRA !== '1') refuse('FAULTS_PRIVATE_INFRA=1 is not set (test/faults/run.sh sets it)');
  const kafkaPort = Number(env.KAFKA_PORT);
  const postgresPort = Number(env.EMBEDDED_POSTGRES_PORT);
  if (!env.KAFKA_DATA_DIR || resolve(REPO, env.KAFKA_DATA_DIR) === join(REPO, '.data', 'kafka')) refuse('KAFKA_DATA_DIR must name a directory of its own');
  if (!Number.isInteger(kafkaPort) || kafkaPort === 9092) refuse('KAFKA_PORT must be a port of its own');
  if (env.KAFKA_BROKERS !== `127.0.0.1:${kafkaPort}`) refuse(`KAFKA_BROKERS must be the private broker 127.0.0.1:${kafkaPort}`);
  if (env.EMBEDDED_POSTGRES_ONLY !== '1') refuse('EMBEDDED_POSTGRES_ONLY=1 is not set');
  if (!env.EMBEDDED_POSTGRES_DIR || resolve(REPO, env.EMBEDDED_POSTGRES_DIR) === join(REPO, '.data', 'postgres')) refuse('EMBEDDED_POSTGRES_DIR must name a directory of its own');
  if (!Number.isInteger(postgresPort) || postgresPort === 5432 || postgresPort === 5433) refuse('EMBEDDED_POSTGRES_PORT must be a port of its own');
  const databaseUrl = env.DATABASE_URL ?? '';
  if (new URL(databaseUrl).port !== String(postgresPort)) refuse(`DATABASE_URL must be the private server on port ${postgresPort}`);
  return {
    kafkaPort,
    kafkaBrokers: [`127.0.0.1:${kafkaPort}`],
    databaseUrl,
    postgresPort,
    scriptEnv: {
      ...env,
      KAFKA_PORT: String(kafkaPort),
      KAFKA_CONTROLLER_PORT: env.KAFKA_CONTROLLER_PORT,
      KAFKA_DATA_DIR: env.KAFKA_DATA_DIR,
      EMBEDDED_POSTGRES_ONLY: '1',
      EMBEDDED_POSTGRES_DIR: env.EMBEDDED_POSTGRES_DIR,
      EMBEDDED_POSTGRES_PORT: String(postgresPort),
    },
  };
}

async function script(infra: PrivateInfra, command: string, args: string[]): Promise<string> {
  const { stdout } = await run(command, args, { cwd: REPO, env: infra.scriptEnv, timeout: 180_000 });
  return stdout;
}

/** stops the private broker (SIGTERM, controlled shutdown); returns once its process has exited */
export async function stopKafka(infra: PrivateInfra): Promise<void> {
  await script(infra, 'bash', ['deploy/local/kafka.sh', 'down']);
}

/** starts the private broker again on its data directory; returns once kafkajs can talk to it */
export async function startKafka(infra: PrivateInfra): Promise<void> {
  await script(infra, 'bash', ['deploy/local/kafka.sh', 'up']);
}

/** stops the private PostgreSQL (fast shutdown: open sessions are terminated) */
export async function stopPostgres(infra: PrivateInfra): Promise<void> {
  await script(infra, process.execPath, ['deploy/local/postgres.js', 'down']);
}

/** starts the private PostgreSQL again on its data directory; returns once it answers */
export async function startPostgres(infra: PrivateInfra): Promise<void> {
  const url = (await script(infra, process.execPath, ['deploy/local/postgres.js', 'up'])).trim().split('\n').pop();
  if (url !== infra.databaseUrl) throw new Error(`postgres.js up answered ${url}, not the private server`);
}

/** one query on a connection of its own (the suite's own pool would not survive the restarts) */
export async function query<Row = Record<string, unknown>>(infra: PrivateInfra, sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new Client({ connectionString: infra.databaseUrl, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Row[];
  } finally {
    await client.end().catch(() => undefined);
  }
}
