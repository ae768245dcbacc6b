import type { DataSource } from 'typeorm';
import { ReadinessProbe, withTimeout } from './readiness-probe';

/** Options for {@link postgresProbe}. */
export interface PostgresProbeOptions {
  name?: string;
  timeoutMs?: number;
}

/** Ready when the TypeORM data source answers `select 1` within the timeout (default 2 s). */
export function postgresProbe(dataSource: DataSource, { name = 'postgres', timeoutMs = 2000 }: PostgresProbeOptions = {}): ReadinessProbe {
  return {
    name,
    check: async () => {
      await withTimeout(dataSource.query('select 1'), timeoutMs, `${name} did not answer within ${timeoutMs} ms`);
    },
  };
}
