import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { NewEvent } from '@support/contracts';
import { EventStore, eventStoreMigrations } from '@support/event-store';
import { openTestSchema } from '@support/test-kit';

const actor = { id: 'member-1', role: 'agent' as const };

function event(type = 'test.happened.v1', data: unknown = { n: 1 }): NewEvent {
  return { id: randomUUID(), type, data, occurredAt: new Date('2026-11-23T10:00:00.000Z'), metadata: { actor, causationId: null, correlationId: null } };
}

describe('EventStore on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof openTestSchema>>;
  let store: EventStore;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await openTestSchema('es', (schema) => eventStoreMigrations(schema));
    dataSource = db.dataSource;
    store = new EventStore(db.schema);
  });
  afterAll(() => db.drop());

  const append = (streamId: string, expectedVersion: number | 'any', events: NewEvent[]) =>
    dataSource.transaction((m) => store.append(m, { streamType: 'test', streamId, expectedVersion, events }));

  it('appends with the expected version and reads the stream back in order with a hash chain', async () => {
    const stream = randomUUID();
    const first = await append(stream, 0, [event(), event()]);
    const second = await append(stream, 2, [event('test.other.v1', { n: 2 })]);
    expect(first).toMatchObject({ ok: true, version: 2 });
    expect(second).toMatchObject({ ok: true, version: 3 });
    const read = await store.readStream(dataSource, stream);
    expect(read.map((e) => e.version)).toEqual([1, 2, 3]);
    expect(read[1].prevHash).toBe(read[0].hash);
    expect(read[2].data).toEqual({ n: 2 });
    expect(await store.verifyStream(dataSource, stream)).toEqual({ valid: true, length: 3 });
  });

  it('rejects a stale expected version and writes nothing', async () => {
    const stream = randomUUID();
    await append(stream, 0, [event()]);
    const stale = await append(stream, 0, [event()]);
    expect(stale).toEqual({ ok: false, reason: 'version-conflict', streamId: stream, expectedVersion: 0, currentVersion: 1 });
    expect(await store.streamVersion(dataSource, stream)).toBe(1);
  });

  it('treats an event id that is already stored as a no-op', async () => {
    const stream = randomUUID();
    const once = event();
    await append(stream, 0, [once]);
    const again = await append(stream, 0, [once]);
    expect(again).toMatchObject({ ok: true, duplicate: true, version: 1 });
    expect(await store.readStream(dataSource, stream)).toHaveLength(1);
  });

  it('treats a retried append without a version check as a no-op when its events are stored', async () => {
    const stream = randomUUID();
    const once = event();
    await append(stream, 'any', [once]);
    const again = await append(stream, 'any', [once]);
    expect(again).toMatchObject({ ok: true, duplicate: true, version: 1 });
    expect(await store.readStream(dataSource, stream)).toHaveLength(1);
  });

  it('answers an append with the events exactly as they are read back', async () => {
    const stream = randomUUID();
    await append(stream, 0, [event()]);
    const answer = await dataSource.transaction((m) =>
      store.appendAll(m, [
        { streamType: 'test', streamId: stream, expectedVersion: 1, events: [event('test.other.v1', { n: 2, nested: { b: 1, a: [1, 'x'] } })] },
        { streamType: 'test', streamId: randomUUID(), expectedVersion: 0, events: [event(), event()] },
      ]),
    );
    const appended = answer.flatMap((result) => (result.ok ? result.events : []));
    expect(appended).toHaveLength(3);
    const read = [...(await store.readStream(dataSource, stream)).slice(1), ...(await store.readStream(dataSource, appended[1].streamId))];
    expect(appended).toEqual(read);
  });

  it('lets exactly one of two concurrent appends with the same expected version win', async () => {
    const stream = randomUUID();
    await append(stream, 0, [event()]);
    const results = await Promise.all([append(stream, 1, [event()]), append(stream, 1, [event()])]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toHaveLength(1);
    expect(await store.readStream(dataSource, stream)).toHaveLength(2);
  });

  it('appends to many streams in one call, two requests to one stream chained in order', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await append(b, 0, [event()]);
    const results = await dataSource.transaction((m) =>
      store.appendAll(m, [
        { streamType: 'test', streamId: a, expectedVersion: 0, events: [event()] },
        { streamType: 'test', streamId: b, expectedVersion: 1, events: [event(), event()] },
        { streamType: 'test', streamId: a, expectedVersion: 1, events: [event()] },
      ]),
    );
    expect(results.map((r) => r.ok && r.version)).toEqual([1, 3, 2]);
    expect(await store.verifyStream(dataSource, a)).toEqual({ valid: true, length: 2 });
    expect(await store.verifyStream(dataSource, b)).toEqual({ valid: true, length: 3 });
  });

  it('writes nothing of a batch when one of its streams has moved on', async () => {
    const [fresh, moved] = [randomUUID(), randomUUID()];
    await append(moved, 0, [event(), event()]);
    const results = await dataSource.transaction((m) =>
      store.appendAll(m, [
        { streamType: 'test', streamId: fresh, expectedVersion: 0, events: [event()] },
        { streamType: 'test', streamId: moved, expectedVersion: 1, events: [event()] },
      ]),
    );
    expect(results).toEqual([{ ok: false, reason: 'version-conflict', streamId: moved, expectedVersion: 1, currentVersion: 2 }]);
    expect(await store.streamVersion(dataSource, fresh)).toBe(0);
  });

  it('keeps a stream in reading order when an append follows other writes of its transaction', async () => {
    const start = await store.readAll(dataSource, null, 100_000);
    const checkpoint = start.length ? { transactionId: start[start.length - 1].transactionId, position: start[start.length - 1].globalPosition } : null;
    const stream = randomUUID();
    // the earlier transaction takes its id (as any write of it would), then appends after a later one did
    const early = dataSource.createQueryRunner();
    await early.connect();
    await early.startTransaction();
    await early.query('SELECT pg_current_xact_id()');
    const first = await append(stream, 0, [event()]);
    expect(first.ok).toBe(true);
    const expectedHash = first.ok ? first.events[0].hash : '';
    const second = await store.append(early.manager, { streamType: 'test', streamId: stream, expectedVersion: 1, expectedHash, events: [event()] });
    await early.commitTransaction();
    await early.release();

    expect(second).toMatchObject({ ok: true, version: 2 });
    const read = (await store.readAll(dataSource, checkpoint, 100_000)).filter((e) => e.streamId === stream);
    expect(read.map((e) => e.version)).toEqual([1, 2]);
    expect(await store.verifyStream(dataSource, stream)).toEqual({ valid: true, length: 2 });
  });

  it('reads every stream of a type, whole or as it stood at an instant (each cut at its first later event)', async () => {
    const type = `typed-${randomUUID().slice(0, 8)}`;
    const at = (hour: number) => new Date(Date.UTC(2026, 10, 23, hour));
    const happened = (hour: number): NewEvent => ({ ...event(), occurredAt: at(hour) });
    const appendTyped = (streamType: string, streamId: string, events: NewEvent[]) =>
      dataSource.transaction((m) => store.append(m, { streamType, streamId, expectedVersion: 0, events }));
    const [a, b, other] = [randomUUID(), randomUUID(), randomUUID()];
    // a's third event happened before its second (a clock's history may say so): a cut stops at the second
    await appendTyped(type, a, [happened(10), happened(12), happened(11)]);
    await appendTyped(type, b, [happened(13)]);
    await appendTyped(`${type}-other`, other, [happened(9)]);
    const read = async (asOf?: Date) => {
      const streams = await store.readStreamsOfType(dataSource, type, asOf ? { asOf } : {});
      return Object.fromEntries([...streams].map(([id, events]) => [id, events.map((e) => e.version)]));
    };

    expect(await read()).toEqual({ [a]: [1, 2, 3], [b]: [1] });
    expect(await read(at(9))).toEqual({});
    expect(await read(at(11))).toEqual({ [a]: [1] });
    expect(await read(at(12))).toEqual({ [a]: [1, 2, 3] });
    expect(await read(at(13))).toEqual(await read());
  });

  it('reads the streams of a type still open at an instant: none of the ending types in the cut', async () => {
    const type = `open-${randomUUID().slice(0, 8)}`;
    const at = (hour: number) => new Date(Date.UTC(2026, 10, 24, hour));
    const happened = (hour: number, eventType = 'test.happened'): NewEvent => ({ ...event(), type: eventType, occurredAt: at(hour) });
    const appendTyped = (streamId: string, events: NewEvent[]) => dataSource.transaction((m) => store.append(m, { streamType: type, streamId, expectedVersion: 0, events }));
    const [running, endedEarly, endedLate, cancelled, cutBeforeEnd] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await appendTyped(running, [happened(10), happened(11)]);
    await appendTyped(endedEarly, [happened(10), happened(11, 'test.ended')]);
    await appendTyped(endedLate, [happened(10), happened(13, 'test.ended')]);
    await appendTyped(cancelled, [happened(9), happened(10, 'test.cancelled')]);
    // its end happened at 11 but follows an event of 14: the cut at 12 stops before it, so it was open
    await appendTyped(cutBeforeEnd, [happened(10), happened(14), happened(11, 'test.ended')]);
    const openAt = async (hour: number) => {
      const streams = await store.readStreamsOfType(dataSource, type, { asOf: at(hour), endingTypes: ['test.ended', 'test.cancelled'] });
      return Object.fromEntries([...streams].map(([id, events]) => [id, events.map((e) => e.version)]));
    };
    const everyCut = async (hour: number) =>
      Object.fromEntries([...(await store.readStreamsOfType(dataSource, type, { asOf: at(hour) }))].map(([id, events]) => [id, events.map((e) => e.version)]));

    expect(await openAt(12)).toEqual({ [running]: [1, 2], [endedLate]: [1], [cutBeforeEnd]: [1] });
    expect(await openAt(9)).toEqual({ [cancelled]: [1] });
    expect(await openAt(15)).toEqual({ [running]: [1, 2] });
    // the open streams are exactly the cuts that hold no ending event
    const cuts = await everyCut(12);
    expect(Object.keys(await openAt(12)).sort()).toEqual(
      Object.keys(cuts)
        .filter((id) => !([endedEarly, cancelled] as string[]).includes(id))
        .sort(),
    );
  });

  it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    const stream = randomUUID();
    await append(stream, 0, [event()]);
    await expect(dataSource.query(`UPDATE "${db.schema}".events SET data = '{"n":9}' WHERE stream_id = $1`, [stream])).rejects.toThrow(/append-only/);
    await expect(dataSource.query(`DELETE FROM "${db.schema}".events WHERE stream_id = $1`, [stream])).rejects.toThrow(/append-only/);
    await expect(dataSource.query(`TRUNCATE "${db.schema}".events`)).rejects.toThrow(/append-only/);
    expect(await store.readStream(dataSource, stream)).toHaveLength(1);
  });

  it('names the first broken link when an event is altered behind its back', async () => {
    const stream = randomUUID();
    await append(stream, 0, [event(), event(), event()]);
    await dataSource.transaction(async (m) => {
      await m.query(`ALTER TABLE "${db.schema}".events DISABLE TRIGGER events_append_only`);
      await m.query(`UPDATE "${db.schema}".events SET data = '{"n":666}' WHERE stream_id = $1 AND version = 2`, [stream]);
      await m.query(`ALTER TABLE "${db.schema}".events ENABLE TRIGGER events_append_only`);
    });
    expect(await store.verifyStream(dataSource, stream)).toEqual({ valid: false, brokenAt: 2, length: 3 });
  });

  it('reads all events in a gap-safe global order: a transaction that commits late is not skipped', async () => {
    const start = await store.readAll(dataSource, null, 100_000);
    const checkpoint = start.length ? { transactionId: start[start.length - 1].transactionId, position: start[start.length - 1].globalPosition } : null;

    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    const slow = randomUUID();
    await store.append(runner.manager, { streamType: 'test', streamId: slow, expectedVersion: 0, events: [event()] });
    const fast = randomUUID();
    await append(fast, 0, [event()]);

    // the fast transaction committed, but the slow one (older id) is still open: neither is read yet
    const whileOpen = await store.readAll(dataSource, checkpoint);
    expect(whileOpen.map((e) => e.streamId)).not.toContain(slow);
    expect(whileOpen.map((e) => e.streamId)).not.toContain(fast);

    await runner.commitTransaction();
    await runner.release();
    const after = await store.readAll(dataSource, checkpoint);
    expect(after.map((e) => e.streamId)).toEqual([slow, fast]);
  });
});
