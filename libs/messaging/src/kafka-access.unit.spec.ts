import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_TOPIC, eventCatalogue, TOPIC_OWNERS } from '@support/contracts';
import { deadLetterTopic } from './event-consumer';
import { KAFKA_ANALYST_PRINCIPAL, KAFKA_PRINCIPALS, KAFKA_SERVICE_PRINCIPALS, kafkaAccessPlan, KafkaGrant } from './kafka-access';

const writesOf = (plan: KafkaGrant[], principal: string) => plan.filter((g) => g.principal === principal && g.resource === 'topic' && g.operations.includes('write'));

describe('kafkaAccessPlan', () => {
  const plan = kafkaAccessPlan();

  it('has the principals deploy/local/kafka.sh makes SCRAM credentials for', () => {
    const script = readFileSync(join(__dirname, '../../../deploy/local/kafka.sh'), 'utf8');
    const listed = /^PRINCIPALS=\(([^)]*)\)/m.exec(script)?.[1].trim().split(/\s+/);
    expect(listed).toEqual(KAFKA_PRINCIPALS);
  });

  it('lets only the owner write each topic of the public record', () => {
    for (const [topic, owner] of Object.entries(TOPIC_OWNERS)) {
      const writers = plan.filter((g) => g.name === topic && g.operations.includes('write')).map((g) => g.principal);
      expect({ topic, writers }).toEqual({ topic, writers: [owner] });
    }
  });

  it('lets a service write nothing but its own topics, the audit topic and its own dead letters', () => {
    for (const service of KAFKA_SERVICE_PRINCIPALS) {
      const own = Object.keys(TOPIC_OWNERS).filter((topic) => TOPIC_OWNERS[topic] === service);
      const expected = [...own, ...(own.length ? [AUDIT_TOPIC] : []), deadLetterTopic(`${service.replace(/-/g, '_')}.`)];
      expect(
        writesOf(plan, service)
          .map((g) => g.name)
          .sort(),
      ).toEqual(expected.sort());
    }
  });

  it('gives the analyst read on every catalogue topic, its own groups, and no write', () => {
    const reads = plan.filter((g) => g.principal === KAFKA_ANALYST_PRINCIPAL && g.resource === 'topic' && g.operations.includes('read'));
    expect(reads.map((g) => g.name).sort()).toEqual([...eventCatalogue.topics()].sort());
    expect(writesOf(plan, KAFKA_ANALYST_PRINCIPAL)).toEqual([]);
  });

  it('adds a family of schemas (t_…) as one prefix, and keeps a single schema to its own groups', () => {
    const groups = kafkaAccessPlan({ extraGroupPrefixes: ['t_'] }).filter((g) => g.principal === 'routing' && g.resource === 'group');
    expect(groups.map((g) => [g.name, g.pattern])).toEqual([
      ['routing.', 'prefixed'],
      ['t_', 'prefixed'],
    ]);
  });
});
