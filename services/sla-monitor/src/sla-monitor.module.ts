import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@support/contracts';
import { AppendPipeline } from '@support/command-handling';
import { BACKGROUND_ERRORS, CLOCK, PLATFORM_SETTINGS, ScheduledTask, schemaBound, SERVICE_SCHEMA, whileLeading } from '@support/service-kit';
import { ClockEventsReactor } from './application/clock-events.reactor';
import { ClocksAsOf } from './application/clocks-as-of.service';
import { SlaClockMetrics } from './application/sla-clock.metrics';
import { DUE_LIMIT, SlaMonitor } from './application/sla-monitor.service';
import { SlaPolicyService } from './application/sla-policy.service';
import { SlaSimulator } from './application/sla-simulation.service';
import { ClockRepository } from './persistence/clock.repository';
import type { SlaMonitorSettings } from './sla-monitor.providers';

const SLA_SCHEDULER = Symbol('SlaScheduler');

/** The scheduler's default interval: how often it looks for due clocks. */
const TICK_INTERVAL_MS = 250;

/** Sla-monitor's own providers and event handlers, on the support platform's (database, pipeline, clock, ...). */
@Module({
  providers: [
    ...schemaBound(ClockRepository),
    ClocksAsOf,
    SlaSimulator,
    {
      provide: SlaPolicyService,
      inject: [DataSource, AppendPipeline, CLOCK],
      // the policy in force is loaded before anything fires a clock
      useFactory: async (dataSource: DataSource, pipeline: AppendPipeline, clock: Clock) => {
        const policy = new SlaPolicyService(dataSource, pipeline, clock);
        await policy.load();
        return policy;
      },
    },
    {
      provide: SlaMonitor,
      inject: [DataSource, AppendPipeline, ClockRepository, CLOCK, SlaPolicyService, BACKGROUND_ERRORS],
      useFactory: (dataSource: DataSource, pipeline: AppendPipeline, clocks: ClockRepository, clock: Clock, policy: SlaPolicyService, onError: (error: unknown) => void) =>
        new SlaMonitor(
          dataSource,
          pipeline,
          clocks,
          clock,
          () => policy.settings(),
          (clockId, error) => onError(new Error(`clock ${clockId} could not fire: ${error instanceof Error ? error.message : String(error)}`, { cause: error })),
        ),
    },
    {
      provide: SLA_SCHEDULER,
      inject: [SlaMonitor, SlaPolicyService, DataSource, SERVICE_SCHEMA, PLATFORM_SETTINGS, BACKGROUND_ERRORS],
      // a full batch means more is due: go again at once; null interval: never by itself (tests call runDue).
      // Every instance picks up a policy changed through another, and one fires at a time (whileLeading)
      useFactory: (monitor: SlaMonitor, policy: SlaPolicyService, dataSource: DataSource, schema: string, settings: SlaMonitorSettings, onError: (error: unknown) => void) => {
        const interval = settings.tickIntervalMs === undefined ? TICK_INTERVAL_MS : settings.tickIntervalMs;
        const tick = async () => {
          await policy.load();
          return whileLeading(dataSource, `${schema}:sla-scheduler`, () => monitor.runDue());
        };
        return interval === null ? null : new ScheduledTask(tick, interval, onError, (looked) => looked === DUE_LIMIT);
      },
    },
    {
      provide: SlaClockMetrics,
      inject: [SERVICE_SCHEMA, DataSource, ClockRepository, CLOCK],
      // the clocks running, at risk and breached, counted when /metrics is scraped
      useFactory: (schema: string, dataSource: DataSource, clocks: ClockRepository, clock: Clock) => new SlaClockMetrics(schema, dataSource, clocks, clock),
    },
  ],
  controllers: [ClockEventsReactor],
  exports: [SlaMonitor, SlaPolicyService, ClockRepository, ClocksAsOf, SlaSimulator],
})
export class SlaMonitorModule {}
