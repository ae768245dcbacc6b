import { MessagingClient } from './kafka-client';

/** Readiness: the broker answers a metadata request. */
export function kafkaProbe(kafka: MessagingClient, timeoutMs = 3000) {
  return {
    name: 'kafka',
    async check(): Promise<void> {
      const admin = kafka.admin();
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('kafka did not answer in time')), timeoutMs));
      try {
        await Promise.race([admin.connect().then(() => admin.describeCluster()), timeout]);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}
