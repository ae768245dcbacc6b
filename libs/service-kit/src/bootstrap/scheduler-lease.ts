import { DataSource } from 'typeorm';

/**
 * Runs `work` only while this instance holds a session advisory lock on `key`, and resolves with
 * `undefined` at once when another instance holds it. For a scheduler run by every instance, of which one
 * works at a time: sla-monitor's (two would race for the same due clocks; the versioned append stays the
 * guarantee that a clock fires once, this only saves the wasted work) and intake's webhook dispatcher
 * (one sender keeps each ticket's deliveries in order). A killed holder's session ends with its connection, and with it the
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
