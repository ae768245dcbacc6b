import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

/**
 * The baseline every write path is compared with: plain pg, one row of a ticket-sized JSON body per
 * autocommitted INSERT, `connections` at once, for `seconds`. Rows per second.
 */
export async function rawInsertRate(databaseUrl: string, connections: number, seconds: number): Promise<number> {
  const pool = new Pool({ connectionString: databaseUrl, max: connections });
  const schema = `bench_raw_${Date.now()}`;
  const table = `"${schema}".rows`;
  const body = JSON.stringify({
    channel: 'api',
    customer: { name: 'Bench Customer', phone: '+86 138 0000 0000' },
    deviceModel: 'Bench Device',
    problem: '开机蓝屏，无法进入系统 (benchmark)',
    urgency: 'normal',
  });
  await pool.query(`CREATE SCHEMA "${schema}"`);
  await pool.query(`CREATE TABLE ${table} (id uuid PRIMARY KEY, body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  let inserted = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < until) {
        await pool.query(`INSERT INTO ${table} (id, body) VALUES ($1, $2)`, [randomUUID(), body]);
        inserted++;
      }
    }),
  );
  await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
  await pool.end();
  return inserted / seconds;
}
