import { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

const CALLBACKS = 'afterCommit';

/**
 * Runs `callback` once the transaction of `manager` has committed, and never if it rolls back: for what must
 * not be seen before the rows it tells of can be read (a live stream's change), nor twice when a transaction
 * is retried. A callback's failure is its own: it cannot undo the commit, and the others still run.
 */
export function afterCommit(manager: EntityManager, callback: () => void): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) throw new Error('afterCommit needs a manager inside a transaction');
  CommitCallbacks.on(manager.connection);
  const callbacks: Array<() => void> = runner.data?.[CALLBACKS] ?? [];
  runner.data = { ...runner.data, [CALLBACKS]: [...callbacks, callback] };
}

/** the data source's subscriber that runs (or drops) what transactions registered, subscribed once */
class CommitCallbacks implements EntitySubscriberInterface {
  static on(dataSource: DataSource): void {
    if (!dataSource.subscribers.some((s) => s instanceof CommitCallbacks)) dataSource.subscribers.push(new CommitCallbacks());
  }

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    // a released savepoint is no commit
    if (queryRunner.isTransactionActive) return;
    for (const callback of take(queryRunner)) {
      try {
        callback();
      } catch {
        // see afterCommit: nothing to undo
      }
    }
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    if (!queryRunner.isTransactionActive) take(queryRunner);
  }
}

function take(runner: QueryRunner): Array<() => void> {
  const callbacks: Array<() => void> = runner.data?.[CALLBACKS] ?? [];
  if (runner.data) delete runner.data[CALLBACKS];
  return callbacks;
}
