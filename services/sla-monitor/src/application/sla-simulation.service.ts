import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { eventCatalogue, inPeriod, SimulationAnswer, SlaEvent } from '@support/contracts';
import { EventStore, recordedBy } from '@support/event-store';
import { MessagingClient, readRecordedEvents, takenInBy } from '@support/messaging';
import { MESSAGING_CLIENT, SERVICE_SCHEMA } from '@support/service-kit';
import {
  BusinessCalendar,
  ClockVerdict,
  clockVerdictAt,
  policyChangesOf,
  policyInForce,
  replaySlaClocks,
  SlaOutcome,
  slaOutcomeOf,
  SlaPolicyChanged,
  SlaReplay,
  SlaRule,
} from '../domain';
import { ClockRepository } from '../persistence/clock.repository';
import { CLOCK_EVENT_TOPICS, CLOCK_EVENTS_GROUP } from './clock-events.reactor';
import { POLICY_STREAM } from './sla-policy.service';

export const SIMULATED_SERVICE = 'sla-monitor';

/** A whole SLA policy proposed in place of the one in force (checked and normalised by the domain). */
export interface SlaProposal {
  rules: readonly SlaRule[];
  calendar: BusinessCalendar;
}

export type SlaSimulation = SimulationAnswer<SlaOutcome, { policy: SlaProposal }>;

/** What the replay assumes where the record cannot tell: part of every answer. */
export const SLA_SIMULATION_ASSUMPTIONS: readonly string[] = [
  'People act at the recorded times under any policy: a contact, a resolution, a visit or a sheet happens when it did, whoever works the ticket and whatever the clocks say.',
  'An escalation the monitor asks for on a breach is counted at the simulated breach time; what routing and the assignees did with it (and any assignment that followed) is as recorded: that is routing’s simulation, not this one.',
  'The proposal takes effect at the start of the period: events before it replay under the policy recorded in force at their time, so the clocks carried into the period are the real ones; clocks that started before the period keep their terms, and policy changes recorded inside the period are replaced by the proposal.',
  'Warnings and breaches fire at the instant they fall due (a scheduler without lag); the live scheduler runs every 250 ms, so a recorded warning or breach may be up to its interval later, and a stopping event inside that interval is met late instead of breached by a tick.',
  'The monitor saw each event at its recorded time (CloudEvents time), in recorded order (time, topic, partition, offset); the record does not keep when the live monitor processed it, so lag between topics is not replayed.',
  'Counted: clocks that started in [from, to), as they stood at to (warnings and breaches due by to counted, clocks still open then neither met nor breached). Time to first contact is in wall-clock minutes from the start to the stop of the first-contact rule’s clocks met by to.',
];

/**
 * What-if: the period's clocks as the monitor recorded them (actual) and as the same engine gives them with a
 * proposed policy from the period's start (proposed). Reads only: the input topics from offset 0 in a
 * throw-away consumer group, the policy's and the clocks' streams from the event store; writes nothing.
 */
@Injectable()
export class SlaSimulator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly clocks: ClockRepository,
    @Inject(MESSAGING_CLIENT) private readonly kafka: MessagingClient,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  async simulate(proposal: SlaProposal, period: { from: Date; to: Date }): Promise<SlaSimulation> {
    const compared = await this.compare(proposal, period);
    return {
      service: SIMULATED_SERVICE,
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
      proposal: { policy: proposal },
      assumptions: [...SLA_SIMULATION_ASSUMPTIONS],
      actual: slaOutcomeOf(compared.actual, period),
      proposed: slaOutcomeOf(compared.proposed, period),
      replayed: compared.replayed,
    };
  }

  /**
   * The clocks that started in the period, each as it stood at its end: as recorded (actual) and as the replay
   * with the proposal gives them (proposed), each list in clock id order.
   */
  async compare(proposal: SlaProposal, period: { from: Date; to: Date }): Promise<{ actual: ClockVerdict[]; proposed: ClockVerdict[]; replayed: SlaReplay['replayed'] }> {
    const { from, to } = period;
    const policyEvents = recordedBy(await this.store.readStream(this.dataSource, POLICY_STREAM), to);
    const policy = policyChangesOf(policyEvents as unknown as Array<SlaPolicyChanged & { occurredAt: Date }>);
    const handled = new Set(eventCatalogue.typesOn(...CLOCK_EVENT_TOPICS));
    // what the monitor took in: a monitor that joined the topics late replays what it saw, not what came before it
    const takenIn = await takenInBy(this.dataSource, this.schema, [CLOCK_EVENTS_GROUP]);
    const recorded = await readRecordedEvents(this.kafka, CLOCK_EVENT_TOPICS, { groupPrefix: `${this.schema}.`, upTo: to, catalogue: eventCatalogue, takenIn });
    const events = recorded.events
      .filter((event) => handled.has(event.type))
      .map((event) => ({ id: event.id, type: event.type, data: event.data, occurredAt: new Date(event.time) }));

    const replay = replaySlaClocks({ events, policy, proposal: { rules: proposal.rules, calendar: proposal.calendar }, from, to });
    const proposed = [...replay.clocks.values()].flatMap((clockEvents) => verdictOf(clockEvents, to, proposal.calendar)).filter((clock) => inPeriod(clock.startedAt, period));
    const actual = await this.recordedVerdicts(from, to, policyInForce(policy, to).calendar);
    return { actual: actual.sort(byClockId), proposed: proposed.sort(byClockId), replayed: replay.replayed };
  }

  /** the clocks the monitor recorded that started in the period, each as it stood at `to` */
  async recordedVerdicts(from: Date, to: Date, calendar: BusinessCalendar): Promise<ClockVerdict[]> {
    const ids = await this.clocks.startedIn(this.dataSource, from, to);
    const streams = await this.store.readStreams(this.dataSource, ids);
    return [...streams.values()].flatMap((stream) => {
      const kept = recordedBy(stream, to);
      return kept.length > 0 && kept[0].type === 'support.sla.clock-started.v1' ? verdictOf(kept as unknown as SlaEvent[], to, calendar) : [];
    });
  }
}

const byClockId = (a: ClockVerdict, b: ClockVerdict): number => (a.clockId < b.clockId ? -1 : a.clockId > b.clockId ? 1 : 0);

function verdictOf(events: readonly SlaEvent[], at: Date, calendar: BusinessCalendar): ClockVerdict[] {
  const verdict = clockVerdictAt(
    events.map((event) => ({ type: event.type, data: event.data }) as SlaEvent),
    at,
    calendar,
  );
  return verdict ? [verdict] : [];
}
