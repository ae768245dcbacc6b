import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { testInfra, testKafkaOptions } from '@support/test-kit';

export interface ReadMessage {
  topic: string;
  partition: number;
  key: string;
  headers: Record<string, string>;
  value: unknown;
  raw: KafkaMessage;
}

/**
 * A plain kafkajs consumer (no project code) in a fresh group, reading a topic from the latest offsets
 * at start, so a test sees only what happens after it began.
 */
export class TopicReader {
  readonly messages: ReadMessage[] = [];
  private consumer?: Consumer;

  constructor(private readonly topic: string) {}

  async start(): Promise<void> {
    const kafka = new Kafka({ clientId: 'test-reader', ...testKafkaOptions(), logLevel: 1 });
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(this.topic);
    await admin.disconnect();
    this.consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: false });
    let ready!: () => void;
    const assigned = new Promise<void>((resolve) => (ready = resolve));
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => ready());
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        this.messages.push({
          topic,
          partition,
          key: message.key?.toString() ?? '',
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          value: JSON.parse(message.value?.toString() ?? 'null'),
          raw: message,
        });
      },
    });
    await assigned;
    for (const { partition, high } of offsets) this.consumer.seek({ topic: this.topic, partition, offset: high });
  }

  async waitFor(predicate: (m: ReadMessage) => boolean, timeoutMs = 15_000): Promise<ReadMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message on ${this.topic} within ${timeoutMs} ms (saw ${this.messages.length})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
