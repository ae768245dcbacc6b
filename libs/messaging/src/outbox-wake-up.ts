import { DataSource, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

/** after a notification, how long further commits wait to be announced together by one more */
const GATHER_MS = 5;

const NOTIFY = `SELECT pg_notify($1, '')`;

/** what can send a statement: the committed transaction's own connection, or the data source's pool */
interface Sender {
  query(text: string, values: unknown[]): Promise<unknown>;
}

/**
 * Wakes a schema's relay (LISTEN on `channel`) after a transaction that wrote outbox rows commits. The
 * NOTIFY goes in a statement of its own, not in the appending transaction: PostgreSQL serialises every
 * notifying commit, WAL flush included. It is queued on the committed transaction's connection (no wait
 * for the pool, and the writer does not wait for it), and commits that come while one is on its way, or
 * within GATHER_MS after, are announced by one more, so under load the relay gets at most a couple of
 * hundred notifications a second, not one per append; a lone commit is announced at once.
 */
export class OutboxWakeUp implements EntitySubscriberInterface {
  private sending = false;
  private unannounced = false;

  private constructor(
    private readonly dataSource: DataSource,
    private readonly channel: string,
  ) {}

  /** the wake-up of `channel` on the data source, subscribed to its commits once */
  static on(dataSource: DataSource, channel: string): OutboxWakeUp {
    const found = dataSource.subscribers.find((s): s is OutboxWakeUp => s instanceof OutboxWakeUp && s.channel === channel);
    if (found) return found;
    const wakeUp = new OutboxWakeUp(dataSource, channel);
    dataSource.subscribers.push(wakeUp);
    return wakeUp;
  }

  /** marks the transaction of `runner` as one that wrote outbox rows */
  mark(runner: QueryRunner): void {
    runner.data = { ...runner.data, [this.channel]: true };
  }

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    // a released savepoint is no commit
    if (queryRunner.isTransactionActive || !this.take(queryRunner)) return;
    this.unannounced = true;
    // the pg client itself, synchronously (TypeORM's query() would reach it after the release): its queue
    // keeps the statement ahead of whatever the connection's next borrower sends, so it runs on its own
    if (!this.sending) this.send((queryRunner as unknown as { databaseConnection: Sender }).databaseConnection);
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    if (!queryRunner.isTransactionActive) this.take(queryRunner);
  }

  private take(runner: QueryRunner): boolean {
    const marked = runner.data?.[this.channel] === true;
    if (marked) delete runner.data[this.channel];
    return marked;
  }

  private send(sender: Sender): void {
    this.sending = true;
    this.unannounced = false;
    sender
      .query(NOTIFY, [this.channel])
      // a lost wake-up costs the relay's idle poll, nothing else
      .catch(() => undefined)
      .finally(() => {
        // the commits of the next few ms are announced together: under load a notification per round
        // trip was one per commit, which cost the writers more than the relay gained (it is awake anyway)
        setTimeout(() => {
          this.sending = false;
          this.announceLeftovers();
        }, GATHER_MS).unref();
      });
  }

  /** commits that came while a wake-up was on its way, and no commit since to announce them */
  private announceLeftovers(): void {
    if (this.unannounced && !this.sending && this.dataSource.isInitialized) this.send(this.dataSource);
  }
}
