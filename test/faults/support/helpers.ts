import { once } from 'node:events';
import { AddressInfo, createServer } from 'node:net';

/** a TCP port nothing listens on right now */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** the count and the first few of what should be none, so a failure reads well even when thousands are wrong */
export function none<T>(items: T[]): { count: number; first: T[] } {
  return { count: items.length, first: items.slice(0, 10) };
}

/** SQL: the outbox rows of `schema` its relay has not checkpointed yet */
export function unrelayed(schema: string): string {
  return `(SELECT count(*) FROM ${schema}.outbox o
            WHERE (o.transaction_id, o.position) > (SELECT coalesce((SELECT transaction_id FROM ${schema}.relay_checkpoints WHERE relay = 'outbox'), '0'::xid8),
                                                           coalesce((SELECT position FROM ${schema}.relay_checkpoints WHERE relay = 'outbox'), 0)))::int`;
}
