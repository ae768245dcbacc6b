import { KafkaMessage } from 'kafkajs';
import { consumerLag, deadLettersParked, eventsFailed, eventsHandled } from './eventing-metrics';

/** the type label of an event whose type is not in the catalogue (or that has none): labels stay bounded */
export const UNKNOWN_TYPE = 'unknown';

/**
 * What one consumer group reports to Prometheus: events handled and failed by type, events parked, and
 * the lag of each partition it holds. Series of partitions it no longer holds are dropped.
 */
export class ConsumerGroupMetrics {
  // `topic:partition` of the lag series this group has set
  private readonly lagSeries = new Map<string, { topic: string; partition: string }>();

  constructor(
    private readonly group: string,
    private readonly isKnownType: (type: string) => boolean,
  ) {}

  /** the type label of a type as the event (or its `ce_type` header) gives it */
  typeLabel(type: string | undefined): string {
    return type !== undefined && this.isKnownType(type) ? type : UNKNOWN_TYPE;
  }

  /** the type label of a raw message, decodable or not */
  typeLabelOf(message: KafkaMessage): string {
    return this.typeLabel(message.headers?.ce_type?.toString());
  }

  handled(types: readonly string[]): void {
    for (const type of types) eventsHandled.inc({ group: this.group, type: this.typeLabel(type) });
  }

  failed(type: string): void {
    eventsFailed.inc({ group: this.group, type });
  }

  parked(): void {
    deadLettersParked.inc({ group: this.group });
  }

  lag(topic: string, partition: number, events: number): void {
    const labels = { topic, partition: String(partition) };
    this.lagSeries.set(`${topic}:${partition}`, labels);
    consumerLag.set({ group: this.group, ...labels }, events);
  }

  /** after a rebalance: drops the lag of partitions not in `assignment` (topic -> partitions), now another member's to report */
  keepOnly(assignment: Record<string, readonly number[]>): void {
    for (const [key, labels] of this.lagSeries) {
      if (assignment[labels.topic]?.includes(Number(labels.partition))) continue;
      consumerLag.remove({ group: this.group, ...labels });
      this.lagSeries.delete(key);
    }
  }

  /** on stop: this instance reports no lag for the group any more */
  forgetLag(): void {
    this.keepOnly({});
  }
}
