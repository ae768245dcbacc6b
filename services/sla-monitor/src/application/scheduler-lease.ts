import { DataSource } from 'typeorm';

/**
 * Runs `work` only while this instance holds a session advisory lock on `key`, and resolves with
 * `undefined` at once when another instance holds it. For the scheduler: every instance ticks, one fires
 * at a time (two would race for the same due clocks, and the loser's batch would fall back to firing clock
 * by clock, each a version conflict). The versioned append stays the guarantee that a clock fires once;
 * this only saves the wasted work. A killed holder's session ends with its connection, and with it the
 * lock: the next tick of another instance takes over.
 */
export async function whileLeading<T>(dataSource: DataSource, key: string, work: () => Promise<T>): Promise<T | undefined> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [key]);
    if (!locked) return undefined;
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
    }
  } finally {
    await runner.release();
  }
}
