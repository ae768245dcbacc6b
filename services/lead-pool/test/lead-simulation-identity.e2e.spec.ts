import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Actor } from '@support/contracts';
import { serveOnFreePort, signTestTokens } from '@support/service-kit';
import { dropTestSchema, jsonRequest, ManualClock, publishEvents, serviceDatabase, serviceKafka, testInfra, uniqueSchemaName, waitFor } from '@support/test-kit';
import { Booking, recordedHistory, replayPool } from '../src/domain';
import { leadPoolService } from '../src/lead-pool.app';
import { LeadPoolRuntime, startLeadPoolRuntime } from '../src/lead-pool.providers';

// the identity test: a month of leads through the LIVE command path (captures, accepts, declines, time-outs
// by the allocator's own run, losses, duplicates, members going off and on duty), then the replay with the
// ratios in force must give every allocation and return the record holds, lead by lead, at the same instants.
// LEAD_SIM_IDENTITY_LEADS sets the month's size (10,000 for the figure; the suite's default is smaller).
const LEADS = Number(process.env.LEAD_SIM_IDENTITY_LEADS ?? 1200);
const SECRET = 'lead-pool-simulation-identity-secret-long-enough-01';
const DAY = 86_400_000;
const FROM = new Date('2026-10-01T00:00:00+08:00');
const TO = new Date(FROM.getTime() + 30 * DAY);

// a seeded generator: the same month every run
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('lead-pool what-if simulation: identity over a generated month', () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('leadsimid');
  const clock = new ManualClock(new Date(FROM.getTime() - DAY));
  const run = randomUUID().slice(0, 8);
  const members = ['m0', 'm1', 'm2', 'm3', 'm4'].map((m) => `${m}-${run}`);
  const ratios = [
    { memberId: members[0], weight: 3 },
    { memberId: members[1], weight: 2 },
    { memberId: members[2], weight: 2 },
    { memberId: members[3], weight: 1 },
  ];
  const actor = (id: string): Actor => ({ id, role: 'agent' });
  const lead: Actor = { id: `lead-${run}`, role: 'lead' };
  let runtime: LeadPoolRuntime;
  let app: INestApplication;
  let url: string;
  let token: string;

  beforeAll(async () => {
    runtime = await startLeadPoolRuntime(
      { ...infra, ...serviceDatabase('lead-pool'), ...serviceKafka('lead-pool'), schema, clock, tickIntervalMs: null, consumeFromBeginning: false },
      () => undefined,
    );
    ({ app, url } = await serveOnFreePort(leadPoolService, runtime, { ...infra, jwtSecret: SECRET }));
    token = (await signTestTokens(SECRET, { lead: { id: lead.id, role: 'lead' } })).lead;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  });

  const duty = async (memberId: string, onDuty: boolean, at: Date) => {
    // the pool's clock reads the instant routing records: the allocations a member coming on duty gets are at it
    clock.set(at);
    const type = onDuty ? 'support.member.went-on-duty.v1' : 'support.member.went-off-duty.v1';
    await publishEvents([{ type, source: 'routing', streamId: memberId, occurredAt: at, data: { memberId } }]);
    await waitFor(`${memberId} ${onDuty ? 'on' : 'off'} duty`, async () => (await runtime.repository.member(runtime.dataSource, memberId))?.onDuty === onDuty, {
      timeoutMs: 30_000,
    });
  };

  it(
    `replays ${LEADS} leads with the ratios in force into the allocations the live pool recorded, lead by lead`,
    async () => {
      const random = mulberry32(24);
      const start = clock.now();
      await publishEvents(
        members.map((memberId) => ({
          type: 'support.member.registered.v1',
          source: 'routing',
          streamId: memberId,
          occurredAt: start,
          data: { memberId, role: 'agent', name: memberId, tier: 'L1', skills: [], scenarios: [], capacity: 5 },
        })),
      );
      for (const memberId of members) await duty(memberId, true, start);
      clock.set(new Date(start.getTime() + 60_000));
      const set = await runtime.policy.set(ratios, 30, { actor: lead });
      expect(set.outcome.ok).toBe(true);

      // a tenth of the leads the day before the period (the state carried in), the rest spread over the month
      const before = Math.floor(LEADS / 10);
      const spacing = (TO.getTime() - FROM.getTime()) / (LEADS - before);
      const open: Array<{ id: string; phone: string }> = [];
      let offDuty: { memberId: string; until: number } | undefined;
      const generating = Date.now();
      for (let i = 0; i < LEADS; i++) {
        const t = i < before ? start.getTime() + 3_600_000 + i * ((DAY - 7_200_000) / before) : FROM.getTime() + (i - before) * spacing;
        clock.set(new Date(t));
        // the allocator's own run, as its tick would: expired allocations back to the pool, handed out again
        await runtime.allocator.runDue();
        const source = members[Math.floor(random() * members.length)];
        const duplicate = random() < 0.02 && open.length > 0;
        const phone = duplicate ? open[Math.floor(random() * open.length)].phone : `+86 137 ${run.slice(0, 4).replace(/\D/g, '1')}${String(i).padStart(6, '0')}`;
        const captured = await runtime.leads.capture(
          { source: { memberId: source, platform: 'douyin', account: `@${source}` }, customerHandle: 'h', contact: { phone }, via: 'rest' },
          { actor: actor(source) },
        );
        if (!('body' in captured)) throw new Error(`capture refused: ${JSON.stringify(captured)}`);
        const { id, allocatedTo } = captured.body;
        if (!duplicate) open.push({ id, phone });
        if (open.length > 50) open.shift();
        const respond = async (holder: string, seconds: number) => {
          clock.set(new Date(t + seconds * 1000));
          const roll = random();
          if (roll < 0.72) expect((await runtime.leads.execute(id, { type: 'AcceptLead' }, { actor: actor(holder) })).ok).toBe(true);
          else if (roll < 0.84) {
            expect((await runtime.leads.execute(id, { type: 'DeclineLead', reason: 'busy' }, { actor: actor(holder) })).ok).toBe(true);
            const now = await runtime.leads.find(id);
            if (now?.status === 'allocated' && now.allocatedTo && seconds < 60) await respond(now.allocatedTo, seconds + 30);
          } else if (roll < 0.87) expect((await runtime.leads.execute(id, { type: 'LoseLead', reason: 'gone' }, { actor: actor(holder) })).ok).toBe(true);
          // else: left unanswered; the allocator's run takes it back once its 30 minutes are out
        };
        if (!duplicate && allocatedTo) await respond(allocatedTo, 20);
        // now and then a member in the ratios goes off duty for a while (recorded apart from the leads' instants)
        if (offDuty && i >= offDuty.until) {
          await duty(offDuty.memberId, true, new Date(t + 90_000));
          offDuty = undefined;
        } else if (!offDuty && i % Math.max(10, Math.floor(LEADS / 12)) === 5) {
          offDuty = { memberId: ratios[Math.floor(random() * ratios.length)].memberId, until: i + 15 };
          await duty(offDuty.memberId, false, new Date(t + 90_000));
        }
      }
      clock.set(new Date(TO.getTime() + 60_000));
      const generated = Date.now() - generating;

      // the record as the endpoint reads it, and the two histories
      const reading = Date.now();
      const record = await runtime.simulations.record(TO);
      const read = Date.now() - reading;
      const replaying = Date.now();
      const replay = replayPool(record.inputs, { from: FROM, ratios });
      const replayed = Date.now() - replaying;
      const recorded = recordedHistory(record.inputs);

      const line = (b: Booking) => `${b.leadId} ${b.delta > 0 ? '+' : '-'} ${b.memberId} v${b.policyVersion} ${b.at.toISOString()}`;
      const simulated = replay.bookings.map(line);
      const live = recorded.bookings.map(line);
      const firstDifference = live.findIndex((entry, i) => simulated[i] !== entry);
      if (firstDifference >= 0 && process.env.LEAD_SIM_DEBUG) {
        const leadId = live[firstDifference].split(' ')[0];
        const about = record.inputs.filter((input) => input.source !== 'lead' || (input.event.data as { leadId: string }).leadId === leadId);
        console.log(JSON.stringify(about.slice(0, 40), null, 1), JSON.stringify(replay.leads.get(leadId)));
      }
      expect({ firstDifference, live: live[firstDifference], simulated: simulated[firstDifference] }).toEqual({ firstDifference: -1, live: undefined, simulated: undefined });
      expect(simulated.length).toBe(live.length);
      expect(live.filter((l) => l.includes(' - ')).length).toBeGreaterThan(0);
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
