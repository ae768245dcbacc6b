import { randomUUID } from 'node:crypto';
import { DEAD_LETTER_TOPIC_PREFIX } from '@support/contracts';
import { Admin, IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { MessagingClient } from './kafka-client';
import { Position } from './consumer-options';

/** Parked events of one consumer group go to their own topic, so they can be looked at and replayed. */
export function deadLetterTopic(groupId: string): string {
  return `${DEAD_LETTER_TOPIC_PREFIX}${groupId}`;
}

/** parks a message on the group's dead-letter topic, with where it came from and why it failed */
export async function parkMessage(producer: Producer, groupId: string, message: KafkaMessage, where: Position, error: unknown): Promise<void> {
  const headers: IHeaders = {
    ...message.headers,
    dlq_error: String((error as Error)?.message ?? error).slice(0, 2000),
    dlq_group: groupId,
    dlq_topic: where.topic,
    dlq_partition: String(where.partition),
    dlq_offset: where.offset,
    dlq_parked_at: new Date().toISOString(),
  };
  await producer.send({ topic: deadLetterTopic(groupId), messages: [{ key: message.key, value: message.value, headers }] });
}

/** messages on a dead-letter topic: every event parked so far, replayed since or not */
export async function parkedCount(admin: Admin, topic: string): Promise<number> {
  if (!(await admin.listTopics()).includes(topic)) return 0;
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

/**
 * Hands every message parked on the group's dead-letter topic so far to `process`, at its original
 * position, from a throw-away group; what is parked anew meanwhile waits for the next replay.
 */
export async function replayDeadLetters(
  kafka: MessagingClient,
  groupId: string,
  process: (message: KafkaMessage, where: Position) => Promise<void>,
): Promise<{ replayed: number }> {
  const topic = deadLetterTopic(groupId);
  const admin = kafka.admin();
  await admin.connect();
  const ends = (await admin.listTopics()).includes(topic) ? await admin.fetchTopicOffsets(topic) : [];
  await admin.disconnect();
  // only what was parked before the call: re-parked events wait for the next replay
  const pending = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));
  if (pending.size === 0) return { replayed: 0 };

  const replayGroup = `${groupId}.replay.${randomUUID()}`;
  const replayer = kafka.consumer({ groupId: replayGroup });
  let replayed = 0;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  await replayer.connect();
  await replayer.subscribe({ topic, fromBeginning: true });
  await replayer.run({
    eachMessage: async ({ partition, message }) => {
      const end = pending.get(partition);
      if (end === undefined || Number(message.offset) >= end) return;
      const origin = (name: string) => message.headers?.[name]?.toString();
      await process(message, { topic: origin('dlq_topic') ?? topic, partition: Number(origin('dlq_partition') ?? partition), offset: origin('dlq_offset') ?? message.offset });
      replayed++;
      if (Number(message.offset) >= end - 1) pending.delete(partition);
      if (pending.size === 0) finished();
    },
  });
  await done;
  await replayer.disconnect();
  const cleanup = kafka.admin();
  await cleanup.connect();
  await cleanup.deleteGroups([replayGroup]).catch(() => undefined);
  await cleanup.disconnect();
  return { replayed };
}
