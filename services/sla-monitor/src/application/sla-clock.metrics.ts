import { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { Clock } from '@support/contracts';
import { metricsRegistry, oncePerScrape } from '@support/service-kit';
import { ClockCensus, ClockRepository } from '../persistence/clock.repository';

const CLOCK_STATES = ['running', 'at_risk', 'breached'] as const;
const STATE_FIELDS = { running: 'running', at_risk: 'atRisk', breached: 'breached' } as const;

/** SLA clocks running, at risk (past the warning, not yet due) and breached (still open), counted when scraped. */
export const slaClocks = new Gauge({
  name: 'support_sla_clocks',
  help: 'SLA clocks by state: running (counting down), at_risk (past the warning time, not yet due), breached (past due, still open); counted when scraped',
  labelNames: ['schema', 'state'] as const,
  registers: [metricsRegistry],
  collect: () => takeCensuses(),
});

/** Clocks that have ever breached: an increase is a new breach. */
export const slaBreaches = new Gauge({
  name: 'support_sla_breaches',
  help: 'SLA clocks that have breached, open or ended (grows with every breach; a rebuild recounts it); counted when scraped',
  labelNames: ['schema'] as const,
  registers: [metricsRegistry],
  collect: () => takeCensuses(),
});

// one census per running sla-monitor (by schema), taken when Prometheus scrapes, never per event
const censuses = new Map<string, () => Promise<ClockCensus>>();
const takeCensuses = oncePerScrape(async () => {
  await Promise.all(
    [...censuses].map(async ([schema, census]) => {
      // the database away: no figures rather than a failed scrape (the other metrics still answer)
      const found = await census().catch(() => undefined);
      for (const state of CLOCK_STATES) {
        if (found) slaClocks.set({ schema, state }, found[STATE_FIELDS[state]]);
        else slaClocks.remove({ schema, state });
      }
      if (found) slaBreaches.set({ schema }, found.breachedEver);
      else slaBreaches.remove({ schema });
    }),
  );
});

/** Puts this sla-monitor's clocks into the gauges above while it runs, counted by the service's clock. */
export class SlaClockMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly census = () => this.clocks.census(this.dataSource, this.clock.now());

  constructor(
    private readonly schema: string,
    private readonly dataSource: DataSource,
    private readonly clocks: ClockRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    censuses.set(this.schema, this.census);
  }

  onModuleDestroy(): void {
    if (censuses.get(this.schema) !== this.census) return;
    censuses.delete(this.schema);
    for (const state of CLOCK_STATES) slaClocks.remove({ schema: this.schema, state });
    slaBreaches.remove({ schema: this.schema });
  }
}
