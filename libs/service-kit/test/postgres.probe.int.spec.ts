import { testInfra } from '@support/test-kit';
import { DataSource } from 'typeorm';
import { postgresProbe } from '../src';

describe('postgresProbe against a real PostgreSQL', () => {
  const dataSource = new DataSource({ type: 'postgres', url: testInfra().databaseUrl });

  beforeAll(() => dataSource.initialize());
  afterAll(async () => {
    if (dataSource.isInitialized) await dataSource.destroy();
  });

  it('passes while the database answers and fails once the pool is gone', async () => {
    const probe = postgresProbe(dataSource);
    expect(probe.name).toBe('postgres');
    await expect(probe.check()).resolves.toBeUndefined();

    await dataSource.destroy();
    await expect(probe.check()).rejects.toThrow();
  });
});
