import { followTopic, TopicFollower, TopicMessage } from '@support/messaging';
import { testMessagingClient } from '@support/test-kit';

export interface ReadMessage {
  topic: string;
  partition: number;
  key: string;
  headers: Record<string, string>;
  value: unknown;
  raw: TopicMessage;
}

/**
 * A plain reader (no consumer group of the service's) in a fresh group, reading a topic from the latest
 * offsets at start, so a test sees only what happens after it began.
 */
export class TopicReader {
  readonly messages: ReadMessage[] = [];
  private follower?: TopicFollower;

  constructor(private readonly topic: string) {}

  async start(): Promise<void> {
    this.follower = await followTopic(testMessagingClient('test-reader'), this.topic, (message) => {
      this.messages.push({
        topic: message.topic,
        partition: message.partition,
        key: message.key ?? '',
        headers: message.headers,
        value: JSON.parse(message.value?.toString() ?? 'null'),
        raw: message,
      });
    });
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
    await this.follower?.stop();
  }
}
