import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Admin, Kafka } from 'kafkajs';
import { EventCatalogue } from '@support/contracts';
import { AppendPipeline } from '@support/command-handling';
import { EventStore, eventStoreMigrations } from '@support/event-store';
import { createKafka, ensureTopics, messagingMigration, Outbox, OutboxRelay } from '@support/messaging';
import { kafkaAs, openTestSchema, testInfra } from '@support/test-kit';
import { byKey, readTopic, testCatalogue, uniqueName } from './messaging.fixtures';

export type TestSchema = Awaited<ReturnType<typeof openTestSchema>>;

const ROOT = join(__dirname, '../../../..');
const migrations = (schema: string) => [...eventStoreMigrations(schema), messagingMigration(schema)];

/** what the outbox relay int specs share: Kafka, schemas and topics of their own, and the helpers over them */
export interface RelayHarness {
  // read-only views of what beforeAll opened
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** lines printed after the file */
  readonly report: string[];
  newTopic(): Promise<{ topic: string; catalogue: EventCatalogue }>;
  newSchema(prefix: string): Promise<TestSchema>;
  storeFor(db: TestSchema, catalogue: EventCatalogue): AppendPipeline;
  /** `idlePollMs`: how long the relay waits for a wake-up before looking anyway (default 100 ms) */
  startRelay(db: TestSchema, batchSize?: number, idlePollMs?: number): Promise<OutboxRelay>;
  /** every key's messages are its stream, version 1..n in order, each once */
  expectStreamsInOrder(db: TestSchema, store: AppendPipeline, streams: string[], topic: string): Promise<number>;
}

/** registers the jest hooks that open and close it; kafka and admin are there once beforeAll has run */
export function relayHarness(): RelayHarness {
  const infra = testInfra();
  const report: string[] = [];
  const topics: string[] = [];
  const schemas: TestSchema[] = [];
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = createKafka('messaging-relay-int', kafkaAs('admin'));
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.all(schemas.map((db) => db.drop().catch(() => undefined)));
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    if (report.length) console.log(report.join('\n'));
  });

  return {
    get kafka() {
      return kafka;
    },
    get admin() {
      return admin;
    },
    report,

    async newTopic() {
      const topic = uniqueName('test.things');
      await ensureTopics(kafka, [topic]);
      topics.push(topic);
      return { topic, catalogue: testCatalogue(topic) };
    },

    async newSchema(prefix) {
      const db = await openTestSchema(prefix, migrations);
      schemas.push(db);
      return db;
    },

    storeFor: (db, catalogue) => new AppendPipeline(new EventStore(db.schema, catalogue), { outbox: new Outbox(db.schema, 'test', catalogue) }),

    async startRelay(db, batchSize, idlePollMs = 100) {
      const relay = new OutboxRelay({ schema: db.schema, databaseUrl: infra.databaseUrl, kafka, batchSize, idlePollMs });
      await relay.start();
      return relay;
    },

    async expectStreamsInOrder(db, store, streams, topic) {
      const messages = await readTopic(kafka, admin, topic);
      const keys = byKey(messages);
      let stored = 0;
      for (const stream of streams) {
        const events = await store.store.readStream(db.dataSource, stream);
        stored += events.length;
        const seen = keys.get(stream) ?? [];
        expect(seen.map((m) => Number(m.headers.ce_streamversion))).toEqual(events.map((_, i) => i + 1));
        expect(seen.map((m) => m.headers.ce_id)).toEqual(events.map((e) => e.id));
      }
      expect(messages).toHaveLength(stored);
      expect([...keys.keys()].sort()).toEqual([...streams].sort());
      return stored;
    },
  };
}
/** a relay in a child process; `stop` sends a signal and waits for the exit (SIGKILL after 10 s) */
export function spawnRelay(schema: string, env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ['--require', join(__dirname, 'swc-register.js'), join(__dirname, 'relay-child.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env, RELAY_SCHEMA: schema },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      if (code) console.error(`relay child exited with ${code}: ${stderr}`);
      resolve({ code, signal });
    }),
  );
  async function stop(signal: NodeJS.Signals) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }
  return { child, exited, stop };
}
