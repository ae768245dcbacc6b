import { DataSource } from 'typeorm';
import { foldEvents, RecordedEvent, SlaEvent } from '@support/contracts';
import { EventStore, GlobalCheckpoint, qualified } from '@support/event-store';
import { CLOCK_STREAM } from './sla-monitor.service';
import { SlaClock, slaClockDecider } from '../domain';
import { ClockRepository } from '../persistence/clock.repository';

/**
 * The clock table is a projection: it can be dropped and rebuilt from the clock streams alone,
 * giving the same rows (the scheduler's `next_tick_at` included). Runs in one transaction.
 */
export async function rebuildClockTable(dataSource: DataSource, schema: string, store: EventStore, clocks: ClockRepository): Promise<number> {
  return dataSource.transaction(async (manager) => {
    const byClock = new Map<string, RecordedEvent[]>();
    for (let after: GlobalCheckpoint | null = null; ; ) {
      const page = await store.readAll(manager, after, 5000);
      if (page.length === 0) break;
      for (const event of page) {
        if (event.streamType !== CLOCK_STREAM) continue;
        byClock.set(event.streamId, [...(byClock.get(event.streamId) ?? []), event]);
      }
      const last = page[page.length - 1];
      after = { transactionId: last.transactionId, position: last.globalPosition };
    }
    await manager.query(`DELETE FROM ${qualified(schema, 'clocks')}`);
    for (const events of byClock.values()) {
      const state = foldEvents(slaClockDecider, events.map((e) => ({ type: e.type, data: e.data }) as SlaEvent));
      if ('clockId' in state) await clocks.save(manager, state as SlaClock, events.length);
    }
    return byClock.size;
  });
}
