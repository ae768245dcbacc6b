import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Actor } from '@support/contracts';
import { accept, Decider, reject } from '@support/decider';
import { AppendPipeline, AppendTransform, CommandHandler, commitChanges } from '@support/command-handling';
import { AppendRequest, EventStore, eventStoreMigrations } from '@support/event-store';
import { ManualClock, openTestSchema } from '@support/test-kit';

type Add = { type: 'Add'; n: number; actor: Actor; at: Date };
type Added = { type: 'test.added.v1'; data: { n: number } };
type Counter = { total: number; adds: number };

// refuses a negative number, so a batch of commands can have a refused one
const counterDecider: Decider<Add, Added, Counter> = {
  initialState: () => ({ total: 0, adds: 0 }),
  decide: (command) => (command.n < 0 ? reject('invalid-command', 'n must not be negative') : accept({ type: 'test.added.v1', data: { n: command.n } })),
  evolve: (state, event) => ({ total: state.total + event.data.n, adds: state.adds + 1 }),
};

const actor: Actor = { id: 'member-1', role: 'agent' };
const add =
  (n: number) =>
  (at: Date): Add => ({ type: 'Add', n, actor, at });

/** doubles every number before it is stored, and notes what it made once the append succeeded */
class Doubling implements AppendTransform {
  readonly committed: string[] = [];
  async prepare(_manager: EntityManager, requests: AppendRequest[]) {
    const doubled = requests.map((request) => ({ ...request, events: request.events.map((event) => ({ ...event, data: { n: (event.data as { n: number }).n * 2 } })) }));
    return { requests: doubled, afterAppend: async () => void this.committed.push(...requests.map((r) => r.streamId)) };
  }
}

describe('CommandHandler and AppendPipeline on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof openTestSchema>>;
  const clock = new ManualClock(new Date('2026-12-01T09:00:00.000Z'));
  const views = new Map<string, { total: number; version: number }>();
  let doubling: Doubling;
  let counters: CommandHandler<Add, Added, Counter, Counter>;
  let pipeline: AppendPipeline;

  beforeAll(async () => {
    db = await openTestSchema('ch', (schema) => eventStoreMigrations(schema));
    doubling = new Doubling();
    pipeline = new AppendPipeline(new EventStore(db.schema), { transforms: [doubling] });
    counters = new CommandHandler(pipeline, clock, {
      streamType: 'counter',
      decider: counterDecider,
      exists: (state): state is Counter => state.adds > 0,
      saveView: async (_m, counter, version) => void views.set(`${counter.total}@${version}`, { total: counter.total, version }),
    });
  });
  afterAll(() => db.drop());

  it('decides, appends through the transforms, and saves the view from what was stored', async () => {
    const id = randomUUID();
    const outcome = await counters.handle(db.dataSource, id, add(3), { actor });
    expect(outcome).toMatchObject({ ok: true, version: 1, entity: { total: 6 } });
    const [event] = await counters.history(db.dataSource, id);
    expect(event.data).toEqual({ n: 6 });
    expect(doubling.committed).toContain(id);
    expect(views.get('6@1')).toEqual({ total: 6, version: 1 });
  });

  it('reads and decides again when the stream moved between its read and its append, without If-Match', async () => {
    const id = randomUUID();
    await counters.handle(db.dataSource, id, add(1), { actor });
    // a writer loses a race only to another writer's commit after its read, so with its 3 retries it
    // outlasts 3 others, however they interleave (5 writers passed only when they did not all collide)
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => counters.handle(db.dataSource, id, add(1), { actor })));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const history = await counters.history(db.dataSource, id);
    expect(history.map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
    expect((await counters.load(db.dataSource, id)).state.total).toBe(10);
  });

  it("writes what a command changes alongside its stream in the command's transaction, and nothing when it is refused", async () => {
    const id = randomUUID();
    const table = `"${db.schema}".alongside_rows`;
    await db.dataSource.query(`CREATE TABLE ${table} (stream_id uuid, at timestamptz)`);
    const alongside = async (manager: EntityManager, at: Date) => void (await manager.query(`INSERT INTO ${table} VALUES ($1, $2)`, [id, at]));
    expect(await counters.handle(db.dataSource, id, add(2), { actor }, { alongside })).toMatchObject({ ok: true, version: 1 });
    expect(await counters.handle(db.dataSource, id, add(-1), { actor }, { alongside })).toMatchObject({ ok: false, code: 'invalid-command' });
    expect(await counters.handle(db.dataSource, id, add(1), { actor, expectedVersion: 0 }, { alongside })).toMatchObject({ ok: false, code: 'version-conflict' });
    // a failure alongside undoes the append too
    const failing = async () => Promise.reject(new Error('the queue is gone'));
    await expect(counters.handle(db.dataSource, id, add(5), { actor }, { alongside: failing })).rejects.toThrow('the queue is gone');
    expect(await db.dataSource.query(`SELECT stream_id, at FROM ${table}`)).toEqual([{ stream_id: id, at: clock.now() }]);
    expect((await counters.history(db.dataSource, id)).map((e) => e.version)).toEqual([1]);
  });

  it('answers a stale If-Match with a conflict and writes nothing, and runs no after-append step', async () => {
    const id = randomUUID();
    await counters.handle(db.dataSource, id, add(1), { actor });
    const before = doubling.committed.length;
    const outcome = await counters.handle(db.dataSource, id, add(1), { actor, expectedVersion: 0 });
    expect(outcome).toMatchObject({ ok: false, code: 'version-conflict' });
    expect((await counters.history(db.dataSource, id)).length).toBe(1);
    expect(doubling.committed.length).toBe(before);
  });

  it('runs the guard before the version check, so a caller out of scope learns nothing of the version', async () => {
    const id = randomUUID();
    await counters.handle(db.dataSource, id, add(1), { actor });
    const outcome = await counters.handle(db.dataSource, id, add(1), { actor, expectedVersion: 7 }, { guard: () => reject('not-found', `${id} not found`) });
    expect(outcome).toEqual({ ok: false, code: 'not-found', reason: `${id} not found` });
  });

  it('leaves out a refused follow-up when asked, and refuses them all otherwise', async () => {
    const id = randomUUID();
    const refused = await counters.handle(db.dataSource, id, [add(1), add(-1), add(2)], { actor });
    expect(refused).toMatchObject({ ok: false, code: 'invalid-command' });
    const skipped = await counters.handle(db.dataSource, id, [add(1), add(-1), add(2)], { actor }, { onRefused: 'skip-follow-ups' });
    expect(skipped).toMatchObject({ ok: true, version: 2, entity: { total: 6 } });
  });

  it('commits several aggregates in one transaction, or none of them when one has moved on', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await counters.handle(db.dataSource, b, add(1), { actor });
    const stale = await db.dataSource.transaction(async (manager) => {
      const first = counters.decideNew(a, add(1), { actor });
      const second = await counters.decide(manager, b, add(1), { actor });
      await counters.handle(db.dataSource, b, add(1), { actor }); // b moves on meanwhile
      if (!('request' in first) || !('request' in second)) throw new Error('both should be decided');
      return commitChanges<Counter>(manager, pipeline, [first, second]);
    });
    expect(stale).toMatchObject({ ok: false, code: 'version-conflict' });
    expect(await counters.history(db.dataSource, a)).toEqual([]);
  });
});
