import { Client } from 'pg';
import { Producer } from 'kafkajs';
import { qualified } from '@support/event-store';
import { createIdempotentProducer, MessagingClient } from './kafka-client';
import { outboxChannel } from './outbox';
import { anchorMessage, AnchorSigning, headsOf } from './chain-anchors';
import { OutboxBacklogSample, relayPublishDuration, watchOutbox } from './eventing-metrics';
import { tracePublishing } from './trace-context';

export interface OutboxRelayOptions {
  schema: string;
  databaseUrl: string;
  kafka: MessagingClient;
  batchSize?: number;
  /**
   * most bytes of event data in one send (default {@link MAX_BATCH_BYTES}); an event larger than this
   * goes alone
   */
  maxBatchBytes?: number;
  /** how long to wait for a NOTIFY before looking anyway */
  idlePollMs?: number;
  /**
   * after a batch that was not full, how long to let commits gather before reading again (default 5 ms):
   * under load a few batches a second more cost more than the wait
   */
  lingerMs?: number;
  /** on stop, how long to go on publishing what is committed (default 5 s) */
  drainMs?: number;
  /**
   * signs the heads of the streams each batch carried and publishes them to the audit topic with the batch
   * (see chain-anchors.ts): every appended event is anchored as soon as it is relayed
   */
  anchors?: AnchorSigning;
  onError?: (error: unknown) => void;
}

/**
 * Kafka refuses a record batch above the topic's `max.message.bytes` (1 MiB by default), and a refused
 * batch would be retried forever, jamming every later event: batches stay well below it. The largest
 * event the catalogue allows (a visit signed with a 256 KiB signature image, ~350 KB as JSON) fits.
 */
export const MAX_BATCH_BYTES = 512 * 1024;

interface OutboxRow {
  position: string;
  event_id: string;
  transaction_id: string;
  topic: string;
  message_key: string;
  headers: Record<string, string>;
  payload: unknown;
}

/**
 * Publishes a service's outbox to Kafka in commit order. One relay per service runs at a time
 * (session advisory lock); the others wait as stand-bys. Delivery is at least once: a crash
 * after sending and before the checkpoint resends that batch, and consumers' inboxes drop the
 * repeats by event id.
 */
export class OutboxRelay {
  private readonly outbox: string;
  private readonly checkpoints: string;
  private readonly lockKey: string;
  private client?: Client;
  private producer?: Producer;
  private running = false;
  private leader = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private published = 0;
  private unwatch?: () => void;

  constructor(private readonly options: OutboxRelayOptions) {
    this.outbox = qualified(options.schema, 'outbox');
    this.checkpoints = qualified(options.schema, 'relay_checkpoints');
    this.lockKey = `${options.schema}:outbox-relay`;
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 500;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  get publishedCount(): number {
    return this.published;
  }

  async start(): Promise<void> {
    await this.connect();
    this.producer = createIdempotentProducer(this.options.kafka);
    await this.producer.connect();
    this.running = true;
    this.loop = this.run();
    // the backlog gauges ask at each scrape, not at each event
    this.unwatch = watchOutbox(this.options.schema, () => this.sampleBacklog());
  }

  /**
   * Finishes the batch in flight and publishes what is committed by then (for up to `drainMs`), so what
   * a stopping service answered is on Kafka when it exits; then releases the lock and connections.
   */
  async stop(): Promise<void> {
    this.unwatch?.();
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.drain();
    await this.producer?.disconnect().catch(() => undefined);
    await this.client?.end().catch(() => undefined);
    this.leader = false;
  }

  private async drain(): Promise<void> {
    const until = Date.now() + (this.options.drainMs ?? 5_000);
    try {
      while (this.leader && Date.now() < until && (await this.relayBatch()) > 0);
    } catch (error) {
      // what is left stays in the outbox for the next leader
      this.options.onError?.(error);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!this.client) await this.connect();
        if (!this.leader) this.leader = await this.tryLead();
        const sent = this.leader ? await this.relayBatch() : 0;
        if (sent === 0) await this.idle();
        else if (sent < this.batchSize) await new Promise((resolve) => setTimeout(resolve, this.options.lingerMs ?? 5));
      } catch (error) {
        this.options.onError?.(error);
        await this.idle();
      }
    }
  }

  /** the session that holds the lock and listens; when it is lost, so are the lock and the leadership */
  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.options.databaseUrl, application_name: `${this.options.schema}-outbox-relay` });
    client.on('error', (error) => this.options.onError?.(error));
    client.on('end', () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.leader = false;
    });
    client.on('notification', () => this.wake?.());
    try {
      await client.connect();
      await client.query(`LISTEN "${outboxChannel(this.options.schema)}"`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
  }

  private async tryLead(): Promise<boolean> {
    const { rows } = await this.client!.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [this.lockKey]);
    return rows[0].locked === true;
  }

  private async relayBatch(): Promise<number> {
    const rows = await this.nextBatch();
    if (rows.length === 0) return 0;
    const last = rows[rows.length - 1];
    // each event's send continues the trace its row keeps (see trace-context.ts)
    const traced = tracePublishing(rows, { 'messaging.client.id': `${this.options.schema}-outbox-relay` });
    const topicMessages = groupByTopic(traced.messages);
    const anchor = await this.anchorOf(rows, last.position);
    if (anchor) topicMessages.push({ topic: anchor.topic, messages: [{ key: anchor.key, value: JSON.stringify(anchor.value), headers: anchor.headers }] });
    const publishing = relayPublishDuration.startTimer({ schema: this.options.schema });
    try {
      await this.producer!.sendBatch({ topicMessages });
    } catch (error) {
      traced.spans.end(error);
      throw error;
    }
    traced.spans.end();
    publishing();
    await this.client!.query(
      `INSERT INTO ${this.checkpoints} (relay, transaction_id, position, updated_at) VALUES ('outbox', $1, $2, now())
       ON CONFLICT (relay) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, position = EXCLUDED.position, updated_at = now()`,
      [last.transaction_id, last.position],
    );
    this.published += rows.length;
    return rows.length;
  }

  /**
   * Rows after the checkpoint (committed, not published yet) and the age of the oldest, by the database's
   * clock; undefined while the relay has no connection. One range scan of the (transaction_id, position) index.
   */
  async sampleBacklog(): Promise<OutboxBacklogSample | undefined> {
    const client = this.client;
    if (!client) return undefined;
    const { rows } = await client.query<{ backlog: number; oldest_age_seconds: number | null }>(
      `WITH checkpoint AS (
         SELECT coalesce((SELECT transaction_id FROM ${this.checkpoints} WHERE relay = 'outbox'), '0'::xid8) AS transaction_id,
                coalesce((SELECT position FROM ${this.checkpoints} WHERE relay = 'outbox'), 0) AS position
       )
       SELECT count(*)::int AS backlog, extract(epoch FROM now() - min(o.created_at))::float8 AS oldest_age_seconds
         FROM ${this.outbox} o, checkpoint c
        WHERE (o.transaction_id, o.position) > (c.transaction_id, c.position)`,
    );
    return { backlog: rows[0].backlog, oldestAgeSeconds: Math.max(0, rows[0].oldest_age_seconds ?? 0) };
  }

  /** the batch's signed anchor, sent with it: a resent batch is anchored again, which changes nothing */
  private async anchorOf(rows: OutboxRow[], position: string) {
    const signing = this.options.anchors;
    if (!signing) return null;
    const heads = await headsOf(
      this.client!,
      this.options.schema,
      rows.map((row) => row.event_id),
    );
    return anchorMessage(signing, this.options.schema, heads, new Date(), position);
  }

  /**
   * rows after the checkpoint, from transactions older than any still running (none is skipped), up to
   * the batch size and the byte cap (the first row always, however large)
   */
  private async nextBatch(): Promise<OutboxRow[]> {
    const { rows } = await this.client!.query<OutboxRow>(
      `WITH checkpoint AS (
         SELECT coalesce((SELECT transaction_id FROM ${this.checkpoints} WHERE relay = 'outbox'), '0'::xid8) AS transaction_id,
                coalesce((SELECT position FROM ${this.checkpoints} WHERE relay = 'outbox'), 0) AS position
       ),
       next AS (
         SELECT o.position, o.event_id, o.transaction_id, o.topic, o.message_key, o.headers, o.payload,
                sum(octet_length(o.payload::text) + octet_length(o.headers::text)) OVER (ORDER BY o.transaction_id, o.position) AS bytes_so_far
           FROM ${this.outbox} o, checkpoint c
          WHERE (o.transaction_id, o.position) > (c.transaction_id, c.position)
            AND o.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY o.transaction_id, o.position
          LIMIT $1
       )
       SELECT position, event_id, transaction_id::text, topic, message_key, headers, payload
         FROM next
        WHERE bytes_so_far <= $2 OR (transaction_id, position) = (SELECT transaction_id, position FROM next ORDER BY transaction_id, position LIMIT 1)
        ORDER BY transaction_id, position`,
      [this.batchSize, this.options.maxBatchBytes ?? MAX_BATCH_BYTES],
    );
    return rows;
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.idlePollMs ?? 200);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

function groupByTopic(rows: OutboxRow[]) {
  const byTopic = new Map<string, Array<{ key: string; value: string; headers: Record<string, string> }>>();
  for (const row of rows) {
    const messages = byTopic.get(row.topic) ?? [];
    messages.push({ key: row.message_key, value: JSON.stringify(row.payload), headers: row.headers });
    byTopic.set(row.topic, messages);
  }
  return [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages }));
}
