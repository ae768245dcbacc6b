import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { KafkaContainer } from '@testcontainers/kafka';

export interface StartedContainers {
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the missing infrastructure in Docker; used only where a Docker engine exists. */
export async function startContainers(need: { postgres: boolean; kafka: boolean }): Promise<StartedContainers> {
  const env: Record<string, string> = {};
  const stops: Array<() => Promise<unknown>> = [];
  if (need.postgres) {
    const pg = await new PostgreSqlContainer('postgres:16-alpine').start();
    env.DATABASE_URL = pg.getConnectionUri();
    stops.push(() => pg.stop());
  }
  if (need.kafka) {
    const kafka = await new KafkaContainer('confluentinc/cp-kafka:7.6.1').withKraft().start();
    env.KAFKA_BROKERS = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
    stops.push(() => kafka.stop());
  }
  return { env, stop: async () => void (await Promise.all(stops.map((s) => s()))) };
}
