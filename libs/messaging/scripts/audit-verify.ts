// The auditor's verifier: every signed chain anchor of one service's schema, read from the audit topic from
// offset 0, against that schema's event table read straight from the database; trusts no service.
// Run: npm run audit:verify -- --database-url <url> --schema intake --brokers <host:port,...> --public-keys <pem file>
//        [--sasl-username analyst --sasl-password-file <file>] [--group analyst.audit-verify]
// It signs in to Kafka as --sasl-username (else KAFKA_SASL_USERNAME with KAFKA_SASL_PASSWORD_FILE or
// KAFKA_SASL_PASSWORD; TLS with KAFKA_TLS_CA_FILE or KAFKA_TLS=true): the analyst principal reads the audit topic.
// Prints one line per stream (verified / broken at N / missing events / not anchored); exits 1 unless all verify.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import pino from 'pino';
import { AnchoredHead, AUDIT_TOPIC, chainAnchored, ChainAnchor } from '@support/contracts';
import { auditStream, describeReport, qualified, StoredLink, TrustedKeys, trustedKeysFromPem, verifyAnchor } from '@support/event-store';
import { ANALYST_GROUP_PREFIX, createKafka, fromKafkaMessage, KafkaConnection, kafkaConnectionFromEnv } from '../src';

interface Options {
  databaseUrl: string;
  schema: string;
  kafka: KafkaConnection;
  group: string;
  trusted: TrustedKeys;
  topic: string;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      'database-url': { type: 'string' },
      schema: { type: 'string' },
      brokers: { type: 'string' },
      'public-keys': { type: 'string' },
      topic: { type: 'string' },
      'sasl-username': { type: 'string' },
      'sasl-password-file': { type: 'string' },
      group: { type: 'string' },
    },
  });
  const missing = ['database-url', 'schema', 'brokers', 'public-keys'].filter((name) => !values[name as keyof typeof values]);
  if (missing.length > 0) throw new Error(`missing ${missing.map((name) => `--${name}`).join(', ')}`);
  return {
    databaseUrl: values['database-url']!,
    schema: values.schema!,
    kafka: kafkaConnectionFromEnv({
      ...process.env,
      KAFKA_BROKERS: values.brokers,
      ...(values['sasl-username'] ? { KAFKA_SASL_USERNAME: values['sasl-username'], KAFKA_SASL_PASSWORD_FILE: values['sasl-password-file'] } : {}),
    }),
    // a group of the analyst's (its ACLs allow groups named analyst.*), never committed
    group: values.group ?? `${ANALYST_GROUP_PREFIX}audit-verify-${process.pid}-${Date.now()}`,
    trusted: trustedKeysFromPem(readFileSync(values['public-keys']!, 'utf8')),
    topic: values.topic ?? AUDIT_TOPIC,
  };
}

/** every anchored head of the schema's streams, from anchors a trusted key signed; the refused ones counted */
async function readAnchors(opts: Options): Promise<{ heads: Map<string, AnchoredHead[]>; refused: string[]; anchors: number }> {
  // kafkajs' own log on stderr, errors only: stdout is the report
  const kafka = createKafka(`audit-verify-${process.pid}`, opts.kafka, pino({ level: 'error' }, pino.destination(2)));
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(opts.topic)).map((p) => [p.partition, BigInt(p.high)]));
  await admin.disconnect();
  const heads = new Map<string, AnchoredHead[]>();
  const refused: string[] = [];
  let anchors = 0;
  const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([partition]) => partition));
  if (pending.size === 0) return { heads, refused, anchors };
  const consumer = kafka.consumer({ groupId: opts.group });
  await consumer.connect();
  await consumer.subscribe({ topic: opts.topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          if (!pending.has(partition)) return;
          const event = fromKafkaMessage(message, { topic: opts.topic, partition, offset: message.offset });
          const anchor = event.data as ChainAnchor;
          if (event.type === chainAnchored.type && anchor?.schema === opts.schema) {
            const check = verifyAnchor(anchor, opts.trusted);
            if (!check.ok) refused.push(`${opts.topic}/${partition}@${message.offset}: ${check.reason}`);
            else {
              anchors++;
              for (const head of anchor.heads) heads.set(head.streamId, [...(heads.get(head.streamId) ?? []), head]);
            }
          }
          if (BigInt(message.offset) + 1n >= ends.get(partition)!) pending.delete(partition);
          if (pending.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return { heads, refused, anchors };
}

interface EventRow {
  event_id: string;
  stream_id: string;
  stream_type: string;
  version: number;
  type: string;
  data: unknown;
  metadata: StoredLink['event']['metadata'];
  occurred_at: Date;
  prev_hash: string;
  hash: string;
  hash_scheme: number;
}

/** the schema's events, stream by stream in version order, a page at a time */
async function* readStreams(databaseUrl: string, schema: string): AsyncGenerator<[string, StoredLink[]]> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'audit-verify' });
  await client.connect();
  try {
    let after: [string, number] = ['', 0];
    let current: [string, StoredLink[]] | null = null;
    for (;;) {
      const { rows } = await client.query<EventRow>(
        `SELECT event_id, stream_id, stream_type, version, type, data, metadata, occurred_at, prev_hash, hash, hash_scheme
           FROM ${qualified(schema, 'events')} WHERE (stream_id, version) > ($1, $2) ORDER BY stream_id, version LIMIT 5000`,
        after,
      );
      for (const row of rows) {
        if (current && current[0] !== row.stream_id) yield current;
        if (!current || current[0] !== row.stream_id) current = [row.stream_id, []];
        current[1].push({
          streamId: row.stream_id,
          streamType: row.stream_type,
          version: row.version,
          event: { id: row.event_id, type: row.type, data: row.data, metadata: row.metadata, occurredAt: row.occurred_at },
          scheme: row.hash_scheme as StoredLink['scheme'],
          prevHash: row.prev_hash,
          hash: row.hash,
        });
      }
      if (rows.length === 0) break;
      const last = rows[rows.length - 1];
      after = [last.stream_id, last.version];
    }
    if (current) yield current;
  } finally {
    await client.end();
  }
}

async function main(): Promise<number> {
  const opts = options(process.argv.slice(2));
  const { heads, refused, anchors } = await readAnchors(opts);
  let failed = refused.length;
  for (const line of refused) console.log(`refused anchor ${line}`);
  const seen = new Set<string>();
  const report = (streamId: string, stored: StoredLink[]) => {
    const result = auditStream(streamId, stored, heads.get(streamId) ?? []);
    if (result.verdict !== 'verified') failed++;
    console.log(describeReport(result));
  };
  for await (const [streamId, stored] of readStreams(opts.databaseUrl, opts.schema)) {
    seen.add(streamId);
    report(streamId, stored);
  }
  // anchored streams with no event left at all
  for (const streamId of heads.keys()) if (!seen.has(streamId)) report(streamId, []);
  console.log(`${anchors} anchors of schema ${opts.schema} checked; ${failed === 0 ? 'every stream verified' : `${failed} problem(s)`}`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`audit:verify: ${(error as Error)?.message ?? error}`);
    process.exit(2);
  },
);
