import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CASES_TOPIC, eventCatalogue, SHEETS_TOPIC, TICKETS_TOPIC, VISITS_TOPIC } from '@support/contracts';
import { ConsumedEvent, EventContext, EventHandlers } from '@support/messaging';
import { SlaMonitor } from './sla-monitor.service';

/** The topics whose events start, stop, pause, resume or cancel clocks (what the monitor consumes, and a simulation replays). */
export const CLOCK_EVENT_TOPICS = [TICKETS_TOPIC, VISITS_TOPIC, SHEETS_TOPIC, CASES_TOPIC] as const;

/** The consumer group that takes them in (its inbox says which events the monitor saw). */
export const CLOCK_EVENTS_GROUP = 'clock-events';

/** Hands the monitor every event that starts, stops, pauses or resumes clocks, in the consumer's transaction. */
@EventHandlers()
export class ClockEventsReactor {
  constructor(private readonly monitor: SlaMonitor) {}

  @EventPattern(eventCatalogue.typesOn(...CLOCK_EVENT_TOPICS), { group: CLOCK_EVENTS_GROUP })
  handle(@Payload() event: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    return this.monitor.onEvent(manager, { id: event.id, type: event.type, data: event.data, occurredAt: event.time, correlationId: event.correlationId });
  }
}
