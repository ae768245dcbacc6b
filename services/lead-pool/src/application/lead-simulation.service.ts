import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, eventCatalogue, LeadEvent, LeadPolicyEvent, LeadRatio, RecordedEvent, ROSTER_TOPIC, RosterEvent, SimulationAnswer } from '@support/contracts';
import { GlobalCheckpoint } from '@support/event-store';
import { MessagingClient, readRecordedEvents, takenInBy } from '@support/messaging';
import { MESSAGING_CLIENT, SERVICE_SCHEMA } from '@support/service-kit';
import { LeadOutcome, leadOutcome, mergeRecord, PoolHistory, ratiosProblem, RecordedInput, recordedHistory, replayPool, rosterAfter } from '../domain';
import { LeadPoolAggregates } from './lead-pool.aggregates';
import { ROSTER_GROUP } from './lead-pool.reactor';

/** What a simulation of the pool replaces: the preset ratios. */
export interface RatiosSimulationProposal {
  ratios: LeadRatio[];
}

export type LeadSimulationAnswer = SimulationAnswer<LeadOutcome, RatiosSimulationProposal>;

/** The record a replay reads, in order, and how many of its events fall before the period. */
export interface PoolRecord {
  inputs: RecordedInput[];
}

const READ_BATCH = 5000;
const STREAM_TYPES = new Set(['lead', 'lead-policy']);

/** What the replay assumes where the record cannot tell (the answer's `assumptions`). */
export const LEAD_SIMULATION_ASSUMPTIONS = [
  'Allocation follows the live rule: pooled leads oldest captured first, each to the next member by the ratios among the members on duty who have not declined it, counted per version of the ratios as the live allocator counts.',
  'The proposed ratios take effect at from as if a lead had set them then: a new version whose counts start at 0. Ratios equal to those in force at from change nothing (their version and counts go on). Ratios set during the period are replaced by the proposal; how long members have to accept still follows the record.',
  'Members respond at their recorded times whoever holds the lead: a recorded accept, decline or time-out is made by the member the replay allocated the lead to, if the lead is allocated in the replay then. A lead allocated to someone else is assumed to be accepted, converted or lost the same way and at the same time (conversion is not simulated).',
  'An allocation of the replay that the record never answered stays open: nothing is taken back without a recorded decline or time-out.',
  "Members are on the roster and on and off duty as the roster events the pool took in say (its roster group's inbox: what routing's topic holds from before the pool joined it is not replayed), each from when the pool acted on it (the allocations it caused), else from when routing recorded it.",
  "The pool's record is replayed in its event store's order (transaction, then position), with the allocator running where the live one runs: in each capture's transaction, as a member comes on duty, and after a decline, a ratios set or a time-out, where the run first takes back every allocation recorded as returned at that instant.",
];

/**
 * What-if simulation of the lead pool (issue 24): the pool's own record (its event store) and the roster
 * it took in (routing's topic, read in a throw-away group that commits nothing, as far as the pool's roster
 * group's inbox holds its events) replayed through the
 * domain's replay with proposed ratios from `from`, beside the record itself. A read: nothing is written,
 * published or committed.
 */
@Injectable()
export class LeadSimulationService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(MESSAGING_CLIENT) private readonly kafka: MessagingClient,
    private readonly aggregates: LeadPoolAggregates,
  ) {}

  async simulate(period: { from: Date; to: Date }, ratios: readonly LeadRatio[]): Promise<LeadSimulationAnswer> {
    const proposal = { ratios: ratios.map(({ memberId, weight }) => ({ memberId, weight })) };
    const record = await this.record(period.to);
    this.check(proposal.ratios, record.inputs);
    const actual = recordedHistory(record.inputs);
    const proposed = replayPool(record.inputs, { from: period.from, ratios: proposal.ratios });
    const eventsBefore = record.inputs.filter((input) => input.at.getTime() < period.from.getTime()).length;
    return {
      service: 'lead-pool',
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
      proposal,
      assumptions: assumptionsOf(proposed),
      actual: leadOutcome(actual, period),
      proposed: leadOutcome(proposed, period),
      replayed: { eventsInPeriod: record.inputs.length - eventsBefore, eventsBefore },
    };
  }

  /**
   * The record up to `to` (exclusive), in the order the pool lived it: its own lead and ratios events in
   * its store's global order, the roster events of routing's topic its roster group took in merged in (see mergeRecord).
   */
  async record(to: Date): Promise<PoolRecord> {
    const own = await this.ownEvents(to);
    // what the pool's roster group took in: a pool that joined the topic late replays the roster it acted on
    const takenIn = await takenInBy(this.dataSource, this.schema, [ROSTER_GROUP]);
    const { events } = await readRecordedEvents(this.kafka, [ROSTER_TOPIC], { groupPrefix: `${this.schema}.`, upTo: to, catalogue: eventCatalogue, takenIn });
    const roster = events
      .filter((event) => Date.parse(event.time) < to.getTime())
      .map((event) => ({ id: event.id, input: { source: 'roster' as const, at: new Date(event.time), event: { type: event.type, data: event.data } as RosterEvent } }));
    return { inputs: mergeRecord(own, roster) };
  }

  // the lead and policy streams, in global order (transaction, position), recorded before `to`
  private async ownEvents(to: Date): Promise<Array<{ input: RecordedInput; causationId?: string | null }>> {
    const store = this.aggregates.pipeline.store;
    const own: Array<{ input: RecordedInput; causationId?: string | null }> = [];
    let after: GlobalCheckpoint | null = null;
    for (;;) {
      const batch: RecordedEvent[] = await store.readAll(this.dataSource, after, READ_BATCH);
      for (const event of batch) {
        const at = new Date(event.occurredAt);
        if (!STREAM_TYPES.has(event.streamType) || at.getTime() >= to.getTime()) continue;
        const domainEvent = { type: event.type, data: event.data };
        const input: RecordedInput =
          event.streamType === 'lead'
            ? { source: 'lead', at, event: domainEvent as LeadEvent, actor: event.metadata.actor as Actor }
            : { source: 'policy', at, event: domainEvent as LeadPolicyEvent };
        own.push({ input, causationId: event.metadata.causationId });
      }
      if (batch.length < READ_BATCH) return own;
      const last = batch[batch.length - 1];
      after = { transactionId: last.transactionId, position: last.globalPosition };
    }
  }

  // the ratio policy's own checks (lead-policy.decider.ts, RatioPolicyService): unique members, on the roster as recorded by `to`, no contractors
  private check(ratios: readonly LeadRatio[], inputs: readonly RecordedInput[]): void {
    const listed = ratiosProblem(ratios);
    if (listed) throw new BadRequestException([listed]);
    const roster = rosterAfter(inputs);
    const problems = ratios.flatMap(({ memberId }, i) => {
      const member = roster.get(memberId);
      if (!member) return [`ratios.${i}.memberId ${memberId} is not on the roster`];
      return member.role === 'contractor' ? [`ratios.${i}.memberId ${memberId} is a contractor: contractors take no part in the lead pool`] : [];
    });
    if (problems.length > 0) throw new BadRequestException(problems);
  }
}

function assumptionsOf(replay: PoolHistory): string[] {
  const skipped = replay.skippedResponses;
  if (skipped === 0) return [...LEAD_SIMULATION_ASSUMPTIONS];
  return [
    ...LEAD_SIMULATION_ASSUMPTIONS,
    `${skipped} recorded response${skipped === 1 ? '' : 's'} (accept, decline, time-out, conversion, loss) found the lead in no state to take ${skipped === 1 ? 'it' : 'them'} in the replay (e.g. not allocated then, or its allocation already run out) and ${skipped === 1 ? 'was' : 'were'} left out.`,
  ];
}
