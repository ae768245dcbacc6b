import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { serveOnFreePort, signTestTokens } from '@support/service-kit';
import { dropTestSchema, jsonRequest, ManualClock, publishEvents, serviceDatabase, serviceKafka, testInfra, uniqueSchemaName } from '@support/test-kit';
import { generateLeadMonth, RosterFact } from './support/lead-month';
import { Booking, recordedHistory, replayPool } from '../src/domain';
import { leadPoolService } from '../src/lead-pool.app';
import { LeadPoolRuntime, startLeadPoolRuntime } from '../src/lead-pool.providers';

// the identity test: a month of leads through the LIVE command path (captures, accepts, declines, time-outs
// by the allocator's own run, losses, duplicates, members going off and on duty: services/lead-pool/test/support/lead-month.ts),
// then the replay with the ratios in force must give every allocation and return the record holds, lead by
// lead, at the same instants. LEAD_SIM_IDENTITY_LEADS sets the month's size (the suite's default 1,200, about
// 2 minutes; the 10,000 run in bench/lead-simulation.bench.ts, about 15 minutes), LEAD_SIM_IDENTITY_SEED
// the generator's seed.
const LEADS = Number(process.env.LEAD_SIM_IDENTITY_LEADS ?? 1200);
const SEED = Number(process.env.LEAD_SIM_IDENTITY_SEED ?? 24);
const SECRET = 'lead-pool-simulation-identity-secret-long-enough-01';
const DAY = 86_400_000;
const FROM = new Date('2026-10-01T00:00:00+08:00');
const TO = new Date(FROM.getTime() + 30 * DAY);

describe('lead-pool what-if simulation: identity over a generated month', () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('leadsimid');
  const clock = new ManualClock(new Date(FROM.getTime() - DAY));
  const run = randomUUID().slice(0, 8);
  let runtime: LeadPoolRuntime;
  let app: INestApplication;
  let url: string;
  let token: string;

  // on routing's topic before the pool joined it (its groups start at the topic's end): never taken in, so
  // never replayed; read, it would put m0 off duty mid-month and the replay would allocate without them
  const STRAY_AT = new Date(FROM.getTime() + 10 * DAY);

  beforeAll(async () => {
    await publishEvents([{ type: 'support.member.went-off-duty.v1', source: 'routing', streamId: `m0-${run}`, occurredAt: STRAY_AT, data: { memberId: `m0-${run}` } }]);
    runtime = await startLeadPoolRuntime(
      { ...infra, ...serviceDatabase('lead-pool'), ...serviceKafka('lead-pool'), schema, clock, tickIntervalMs: null, consumeFromBeginning: false },
      () => undefined,
    );
    ({ app, url } = await serveOnFreePort(leadPoolService, runtime, { ...infra, jwtSecret: SECRET }));
    token = (await signTestTokens(SECRET, { lead: { id: `lead-${run}`, role: 'lead' } })).lead;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  });

  const publishRoster = async (facts: RosterFact[]) => {
    await publishEvents(facts.map(({ type, memberId, data, at }) => ({ type, source: 'routing', streamId: memberId, occurredAt: at, data })));
  };

  it(
    `replays ${LEADS} leads (seed ${SEED}) with the ratios in force into the allocations the live pool recorded, lead by lead`,
    async () => {
      const { members, ratios, generatedMs: generated } = await generateLeadMonth(runtime, clock, publishRoster, { leads: LEADS, seed: SEED, from: FROM, to: TO, run });

      // the record as the endpoint reads it, and the two histories
      const reading = Date.now();
      const record = await runtime.simulations.record(TO);
      const read = Date.now() - reading;
      const replaying = Date.now();
      const replay = replayPool(record.inputs, { from: FROM, ratios });
      const replayed = Date.now() - replaying;
      const recorded = recordedHistory(record.inputs);
      expect(
        record.inputs.filter((input) => input.source === 'roster' && input.event.type === 'support.member.went-off-duty.v1' && input.at.getTime() === STRAY_AT.getTime()),
      ).toEqual([]);

      const line = (b: Booking) => `${b.leadId} ${b.delta > 0 ? '+' : '-'} ${b.memberId} v${b.policyVersion} ${b.at.toISOString()}`;
      const simulated = replay.bookings.map(line);
      const live = recorded.bookings.map(line);
      const firstDifference = live.findIndex((entry, i) => simulated[i] !== entry);
      if (firstDifference >= 0 && process.env.LEAD_SIM_DEBUG) {
        // the record around the first difference: this run's roster and the pool's own events within 40 minutes of it
        const around = recorded.bookings[firstDifference].at.getTime();
        const about = record.inputs.filter(
          (input) => Math.abs(input.at.getTime() - around) <= 40 * 60_000 && (input.source !== 'roster' || members.includes((input.event.data as { memberId: string }).memberId)),
        );
        console.log(about.map((input) => `${input.at.toISOString()} ${input.source} ${input.event.type} ${JSON.stringify(input.event.data).slice(0, 160)}`).join('\n'));
      }
      expect({ firstDifference, live: live[firstDifference], simulated: simulated[firstDifference] }).toEqual({ firstDifference: -1, live: undefined, simulated: undefined });
      expect(simulated.length).toBe(live.length);
      expect(live.filter((l) => l.includes(' - ')).length).toBeGreaterThan(0);
      // the month holds allocator runs that took back several allocations at once (each return moves the counts the run allocates by)
      const timeOuts = record.inputs.filter((input) => input.source === 'lead' && input.event.type === 'support.lead.returned.v1' && input.event.data.why === 'timed-out');
      expect(timeOuts.filter((input, i) => i > 0 && input.at.getTime() === timeOuts[i - 1].at.getTime()).length).toBeGreaterThan(0);
      // every lead ends as the record left it: status and holder
      for (const [leadId, facts] of recorded.leads) {
        const mine = replay.leads.get(leadId)?.state;
        expect([leadId, mine?.status, mine?.allocatedTo, mine?.acceptedBy]).toEqual([leadId, facts.state.status, facts.state.allocatedTo, facts.state.acceptedBy]);
      }
      expect(replay.skippedResponses).toBe(0);

      // and over HTTP: proposed equals actual
      const answering = Date.now();
      const response = await jsonRequest(`${url}/v1/simulations`, token, 'POST', { from: FROM.toISOString(), to: TO.toISOString(), ratios });
      const answered = Date.now() - answering;
      expect(response.status).toBe(200);
      const answer = await response.json();
      expect(answer.proposed).toEqual(answer.actual);
      expect(answer.actual.captured).toBeGreaterThan(LEADS * 0.8);

      const events = record.inputs.length;
      console.log(
        `identity month: ${LEADS} leads, ${events} recorded events (${live.length} allocations and returns); generated live in ${generated} ms; ` +
          `read (store + roster topic) ${read} ms = ${Math.round((events / read) * 1000)} events/s; replay ${replayed} ms = ${Math.round((events / Math.max(replayed, 1)) * 1000)} events/s; ` +
          `POST /v1/simulations ${answered} ms`,
      );
    },
    30 * 60_000,
  );
});
