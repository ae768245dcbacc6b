import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ERASED, eventCatalogue } from '@support/contracts';
import { sqlMigration } from '@support/event-store';
import { createSubjectKeysTable, KeyEncryptionKey, PersonalDataOpening, sealAt, sealValue, SubjectKeys } from '@support/personal-data';
import { openTestSchema } from '@support/test-kit';

describe('opening personal data wherever it went (PostgreSQL)', () => {
  let db: { schema: string; dataSource: DataSource; drop(): Promise<void> };
  let keys: SubjectKeys;
  let opening: PersonalDataOpening;

  beforeAll(async () => {
    db = await openTestSchema('pd_opening', (schema) => [sqlMigration('SubjectKeys1799000000000', [createSubjectKeysTable(schema)], [])]);
    keys = new SubjectKeys(db.schema, new KeyEncryptionKey(randomBytes(32)));
    opening = new PersonalDataOpening(eventCatalogue, keys);
  });
  afterAll(() => db.drop());

  async function subjectWithKey(): Promise<{ id: string; key: Buffer }> {
    const subject = { id: randomUUID(), key: randomBytes(32) };
    await db.dataSource.transaction((m) => keys.createAll(m, [{ subjectId: subject.id, key: subject.key, at: new Date() }]));
    return subject;
  }

  it('opens the personal fields of events of several subjects, each with its own key, leaving the rest as it is', async () => {
    const [wang, li] = [await subjectWithKey(), await subjectWithKey()];
    const pointers = ['/customer/name', '/customer/phone'];
    const received = (customerId: string, key: Buffer, name: string) => ({
      type: 'support.ticket.received.v1',
      data: sealAt({ ticketId: randomUUID(), customerId, customer: { name, phone: '+86 138 0013 8000' }, problem: '开机蓝屏' }, pointers, key, customerId),
    });
    const events = [received(wang.id, wang.key, '王芳'), received(li.id, li.key, '李雷'), { type: 'support.ticket.closed.v1', data: { ticketId: 't-1' } }];
    const opened = await opening.openEvents(db.dataSource, events);
    expect(opened.map((e) => (e.data as { customer?: { name: string } }).customer?.name)).toEqual(['王芳', '李雷', undefined]);
    expect((opened[0].data as { problem: string }).problem).toBe('开机蓝屏');
    expect(opened[2]).toBe(events[2]);
  });

  it("reads an erased subject's values, and values of a subject without a key, as [erased]; clear values as they are", async () => {
    const erased = await subjectWithKey();
    const sealed = sealValue(erased.key, '王芳', erased.id);
    await db.dataSource.transaction((m) => keys.destroy(m, erased.id, new Date()));
    const unknown = randomUUID();
    expect(await opening.openValues(db.dataSource, [sealed, sealValue(randomBytes(32), 'x', unknown), 'clear', null])).toEqual([ERASED, ERASED, 'clear', null]);
  });

  it('opens a v1 value with the key of the customer its event names', async () => {
    const customer = await subjectWithKey();
    // sealed the way v1 did: no subject in the value nor in the additional data
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', customer.key, iv);
    const body = Buffer.concat([cipher.update('王芳', 'utf8'), cipher.final()]);
    const legacy = `sealed:v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    const [opened] = await opening.openEvents(db.dataSource, [{ type: 'support.customer.registered.v1', data: { customerId: customer.id, name: legacy } }]);
    expect(opened.data).toEqual({ customerId: customer.id, name: '王芳' });
  });
});
