import { Consumer, KafkaMessage } from 'kafkajs';
import { BatchControl, Position } from './consumer-options';
import { eventIdOf } from './event-decoding';
import { lagAfter } from './eventing-metrics';

// kafkajs commits a group's offsets only at the end of a fetched batch, which one event per transaction
// can take minutes to work through: commit what is handled at least this often, so the group's lag
// (as any Kafka tool shows it) is the truth and a restart redelivers seconds of events, not minutes
const COMMIT_INTERVAL_MS = 1000;

/** What the fetch loop hands a consumer's messages to. */
export interface MessageWork {
  /** the ids among these messages that the group has handled already (a hint) */
  handledAmong(messages: KafkaMessage[]): Promise<Set<string>>;
  /** a message handled before: only its position moves on */
  passOver(where: Position): void;
  /** one message, retried until handled or parked */
  process(message: KafkaMessage, where: Position, batch: BatchControl): Promise<void>;
  /** a chunk of one partition's messages, in order */
  processChunk(messages: KafkaMessage[], topic: string, partition: number, batch: BatchControl): Promise<void>;
  /** events left on the partition after what was just handled, by the fetched batch's high-water mark (no broker round trip) */
  progressed(topic: string, partition: number, eventsLeft: number): void;
}

/** runs the consumer one message at a time, committing as it goes */
export async function runOneAtATime(consumer: Consumer, work: MessageWork): Promise<void> {
  await consumer.run({
    autoCommitInterval: COMMIT_INTERVAL_MS,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
      const handledBefore = await work.handledAmong(batch.messages);
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) return;
        const where = { topic: batch.topic, partition: batch.partition, offset: message.offset };
        if (handledBefore.has(eventIdOf(message) ?? '')) work.passOver(where);
        else await work.process(message, where, { isRunning: () => isRunning() && !isStale(), heartbeat });
        resolveOffset(message.offset);
        work.progressed(batch.topic, batch.partition, lagAfter(batch.highWatermark, message.offset));
        await commitOffsetsIfNecessary();
        await heartbeat();
      }
    },
  });
}

/** runs the consumer in chunks of up to `size` messages of a partition, committing as it goes */
export async function runInChunks(consumer: Consumer, work: MessageWork, size: number, partitionsConcurrently = 1): Promise<void> {
  await consumer.run({
    partitionsConsumedConcurrently: partitionsConcurrently,
    autoCommitInterval: COMMIT_INTERVAL_MS,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
      for (let start = 0; start < batch.messages.length; start += size) {
        if (!isRunning() || isStale()) return;
        const chunk = batch.messages.slice(start, start + size);
        await work.processChunk(chunk, batch.topic, batch.partition, { isRunning: () => isRunning() && !isStale(), heartbeat });
        resolveOffset(chunk[chunk.length - 1].offset);
        work.progressed(batch.topic, batch.partition, lagAfter(batch.highWatermark, chunk[chunk.length - 1].offset));
        await commitOffsetsIfNecessary();
        await heartbeat();
      }
    },
  });
}
