import { DataSource } from 'typeorm';
import { SlaEvent } from '@support/contracts';
import { foldEvents } from '@support/decider';
import { EventStore, qualified } from '@support/event-store';
import { CLOCK_STREAM } from '../application/sla-monitor.service';
import { SlaClock, slaClockDecider } from '../domain';
import { ClockRepository } from '../persistence/clock.repository';

/**
 * The clock table is a projection: it can be dropped and rebuilt from the clock streams alone,
 * giving the same rows (the scheduler's `next_tick_at` included). Runs in one transaction.
 */
export async function rebuildClockTable(dataSource: DataSource, schema: string, store: EventStore, clocks: ClockRepository): Promise<number> {
  return dataSource.transaction('REPEATABLE READ', async (manager) => {
    // one snapshot: every clock stream as committed when the rebuild began
    const byClock = await store.readStreamsOfType(manager, CLOCK_STREAM);
    await manager.query(`DELETE FROM ${qualified(schema, 'clocks')}`);
    for (const events of byClock.values()) {
      const state = foldEvents(
        slaClockDecider,
        events.map((e) => ({ type: e.type, data: e.data }) as SlaEvent),
      );
      if ('clockId' in state) await clocks.save(manager, state as SlaClock, events.length);
    }
    return byClock.size;
  });
}
