import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { eventCatalogue, NewEvent } from '@support/contracts';
import { sqlMigration } from '@support/event-store';
import { createSubjectKeysTable, isSealed, KeyEncryptionKey, openAt, PersonalDataSealing, SUBJECT_KEYS_TABLE, SubjectKeys } from '@support/personal-data';
import { openTestSchema } from '@support/test-kit';

describe('subject keys (PostgreSQL)', () => {
  const kek = new KeyEncryptionKey(randomBytes(32));
  let db: { schema: string; dataSource: DataSource; drop(): Promise<void> };
  let keys: SubjectKeys;
  const table = () => `"${db.schema}".${SUBJECT_KEYS_TABLE}`;

  beforeAll(async () => {
    db = await openTestSchema('subject_keys', (schema) => [sqlMigration('SubjectKeys1799000000000', [createSubjectKeysTable(schema)], [])]);
    keys = new SubjectKeys(db.schema, kek);
  });
  afterAll(() => db.drop());

  it('stores every key wrapped: the row holds no clear key, and opens with the key-encryption key only', async () => {
    const subjectId = randomUUID();
    const key = randomBytes(32);
    await db.dataSource.transaction((m) => keys.createAll(m, [{ subjectId, key, at: new Date() }]));
    const [row] = await db.dataSource.query(`SELECT wrapped_key, kek_id, data_key FROM ${table()} WHERE subject_id = $1`, [subjectId]);
    expect(row.data_key).toBeNull();
    expect(row.kek_id).toBe(kek.id);
    expect((row.wrapped_key as Buffer).includes(key)).toBe(false);
    expect((await keys.keysOf(db.dataSource, [subjectId])).get(subjectId)!.equals(key)).toBe(true);
    // another key-encryption key cannot open it, and says which one it would need
    await expect(new SubjectKeys(db.schema, new KeyEncryptionKey(randomBytes(32))).keysOf(db.dataSource, [subjectId])).rejects.toThrow(kek.id);
  });

  it('wraps the keys an earlier version stored clear, which open the same before and after', async () => {
    const subjectId = randomUUID();
    const clear = randomBytes(32);
    await db.dataSource.query(`INSERT INTO ${table()} (subject_id, data_key, created_at) VALUES ($1, $2, now())`, [subjectId, clear]);
    expect((await keys.keysOf(db.dataSource, [subjectId])).get(subjectId)!.equals(clear)).toBe(true);
    expect(await db.dataSource.transaction((m) => keys.wrapClearKeys(m))).toBeGreaterThanOrEqual(1);
    const [row] = await db.dataSource.query(`SELECT wrapped_key IS NOT NULL AS wrapped, data_key FROM ${table()} WHERE subject_id = $1`, [subjectId]);
    expect(row).toEqual({ wrapped: true, data_key: null });
    expect((await keys.keysOf(db.dataSource, [subjectId])).get(subjectId)!.equals(clear)).toBe(true);
    expect(await db.dataSource.transaction((m) => keys.wrapClearKeys(m))).toBe(0);
  });

  it('destroys a key for good: null from then on, and the row refuses a key again', async () => {
    const subjectId = randomUUID();
    await db.dataSource.transaction((m) => keys.createAll(m, [{ subjectId, key: randomBytes(32), at: new Date() }]));
    await db.dataSource.transaction((m) => keys.destroy(m, subjectId, new Date()));
    expect((await keys.keysOf(db.dataSource, [subjectId])).get(subjectId)).toBeNull();
    const [row] = await db.dataSource.query(`SELECT wrapped_key, kek_id, data_key, destroyed_at IS NOT NULL AS destroyed FROM ${table()} WHERE subject_id = $1`, [subjectId]);
    expect(row).toEqual({ wrapped_key: null, kek_id: null, data_key: null, destroyed: true });
    await expect(db.dataSource.query(`UPDATE ${table()} SET data_key = $2 WHERE subject_id = $1`, [subjectId, randomBytes(32)])).rejects.toThrow(/check constraint/);
  });

  it('seals an event for its customer in the pipeline, the key stored only once the append went through', async () => {
    const sealing = new PersonalDataSealing(eventCatalogue, keys);
    const customerId = randomUUID();
    const event: NewEvent = {
      id: randomUUID(),
      type: 'support.customer.registered.v1',
      data: { customerId, name: '王芳', phone: '+86 138 0013 8000' },
      occurredAt: new Date(),
      metadata: { actor: { id: 'desk-1', role: 'intake' } },
    };
    const request = { streamType: 'customer', streamId: customerId, expectedVersion: 0, events: [event] };
    await db.dataSource.transaction(async (manager) => {
      const prepared = await sealing.prepare(manager, [request]);
      const sealed = prepared.requests[0].events[0].data as { name: string; phone: string };
      expect([isSealed(sealed.name), isSealed(sealed.phone)]).toEqual([true, true]);
      expect((await keys.keysOf(manager, [customerId])).has(customerId)).toBe(false);
      await prepared.afterAppend!(manager);
      const key = (await keys.keysOf(manager, [customerId])).get(customerId);
      expect(openAt(sealed, ['/name', '/phone'], key)).toEqual({ customerId, name: '王芳', phone: '+86 138 0013 8000' });
    });
  });
});
