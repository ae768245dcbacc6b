import { DataSource, EntityManager } from 'typeorm';
import { CommandContext } from './command-context';
import { GroupCommit } from './group-commit';
import { callerKeyId, Creation, IdempotencyStore, OnceOutcome } from './idempotency';

/** A request that creates something: what it asks for, in whose name, and its Idempotency-Key when it has one. */
export interface CreatingRequest<Input> {
  input: Input;
  context: CommandContext;
  idempotencyKey?: string;
}

export interface KeyedGroupCommitOptions<Input, Body, Refusal> {
  dataSource: DataSource;
  idempotency: IdempotencyStore;
  /** what the keys are for (IdempotencyScope.operation) */
  operation: string;
  /** creates the requests in the caller's transaction (in a few statements however many); outcomes in their order */
  createAll(manager: EntityManager, requests: Array<CreatingRequest<Input>>): Promise<Array<Creation<Body, Refusal>>>;
  /** what else keeps two requests out of one group (e.g. the contact they name), besides one caller's key */
  slotsOf?(request: CreatingRequest<Input>): string[];
}

/**
 * A group commit of creating requests that honour Idempotency-Key: a group is written as
 * {@link IdempotencyStore.onceAll} (stored answers replayed, the rest created in one transaction with their
 * keys), and a request of a failed group alone as {@link IdempotencyStore.once}. One caller's key is never
 * twice in a group; two callers' same key may share one.
 */
export function keyedGroupCommit<Input, Body, Refusal>(options: KeyedGroupCommitOptions<Input, Body, Refusal>): GroupCommit<CreatingRequest<Input>, OnceOutcome<Body, Refusal>> {
  const { dataSource, idempotency, operation, createAll } = options;
  const callerKeyOf = (request: CreatingRequest<Input>) => (request.idempotencyKey === undefined ? undefined : { caller: request.context.actor.id, key: request.idempotencyKey });
  return new GroupCommit<CreatingRequest<Input>, OnceOutcome<Body, Refusal>>({
    writeGroup: (requests) =>
      idempotency.onceAll(
        dataSource,
        operation,
        requests.map((request) => ({ ...request, caller: request.context.actor.id, key: request.idempotencyKey, request: request.input })),
        createAll,
      ),
    writeOne: (request) =>
      idempotency.once<Body, Refusal>(dataSource, { operation, caller: request.context.actor.id }, request.idempotencyKey, request.input, async (manager) => {
        const [created] = await createAll(manager, [request]);
        return created;
      }),
    slotOf: (request) => {
      const key = callerKeyOf(request);
      return [...(key ? [callerKeyId(key)] : []), ...(options.slotsOf?.(request) ?? [])];
    },
  });
}
