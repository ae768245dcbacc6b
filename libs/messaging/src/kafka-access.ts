import { AUDIT_TOPIC, eventCatalogue, SERVICE_SUBSCRIPTIONS, TOPIC_OWNERS } from '@support/contracts';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { deadLetterTopic } from './dead-letters';
import { ensureTopics, MessagingClient } from './kafka-client';

/** The operator's principal: a super user of the cluster, for provisioning and operations only. */
export const KAFKA_ADMIN_PRINCIPAL = 'admin';

/** The analysts' principal: reads every topic of the public record, writes nothing. */
export const KAFKA_ANALYST_PRINCIPAL = 'analyst';

/** Analysts' consumer groups start with this (kcat -G analyst.my-report, say). */
export const ANALYST_GROUP_PREFIX = 'analyst.';

/** Every service, by its principal's name: the services of SERVICE_SUBSCRIPTIONS. */
export const KAFKA_SERVICE_PRINCIPALS = Object.keys(SERVICE_SUBSCRIPTIONS);

/** Every SCRAM principal a cluster has (deploy/local/kafka.sh and the compose file make the same ones). */
export const KAFKA_PRINCIPALS = [KAFKA_ADMIN_PRINCIPAL, KAFKA_ANALYST_PRINCIPAL, ...KAFKA_SERVICE_PRINCIPALS];

/** A service's default schema (its services/<name> migrations), which names its consumer groups: `<schema>.<purpose>`. */
export function defaultSchemaOf(service: string): string {
  return service.replace(/-/g, '_');
}

export type KafkaOperation = 'read' | 'write' | 'create' | 'describe' | 'delete';

/** One ACL: a principal may do these operations on a topic or a group, named exactly or by prefix. */
export interface KafkaGrant {
  principal: string;
  resource: 'topic' | 'group';
  name: string;
  pattern: 'literal' | 'prefixed';
  operations: readonly KafkaOperation[];
}

export interface KafkaAccessOptions {
  /**
   * More consumer-group prefixes per service than its default schema, for runs under other schemas
   * (tests' `t_…`, benchmarks' `bench_…`, SERVICE_SCHEMA): the groups and dead-letter topics they name.
   */
  extraGroupPrefixes?: readonly string[];
}

/**
 * Least privilege for every principal (ARCHITECTURE.md "Guarantees"): a service writes the topics it
 * owns and its anchors on the audit topic, reads what it consumes, and uses only its own consumer groups
 * and dead-letter topics; the analyst reads the catalogue's topics from any offset and writes nothing.
 */
export function kafkaAccessPlan(options: KafkaAccessOptions = {}): KafkaGrant[] {
  const grants: KafkaGrant[] = [];
  for (const service of KAFKA_SERVICE_PRINCIPALS) {
    const topic = (name: string, operations: KafkaOperation[], pattern: KafkaGrant['pattern'] = 'literal') =>
      grants.push({ principal: service, resource: 'topic', name, pattern, operations });
    // whoever publishes events anchors their streams on the audit topic (the relay signs each batch's heads)
    for (const name of topicsWrittenBy(service)) topic(name, ['write', 'describe', 'create']);
    for (const name of SERVICE_SUBSCRIPTIONS[service]) topic(name, ['read', 'describe']);
    for (const prefix of [defaultSchemaOf(service), ...(options.extraGroupPrefixes ?? [])]) {
      // `<prefix>.` and not `<prefix>`: routing's groups must not cover a schema named routing_2
      const groupPrefix = prefix.endsWith('_') ? prefix : `${prefix}.`;
      topic(deadLetterTopic(groupPrefix), ['read', 'write', 'describe', 'create'], 'prefixed');
      grants.push({ principal: service, resource: 'group', name: groupPrefix, pattern: 'prefixed', operations: ['read', 'describe', 'delete'] });
    }
  }
  for (const name of eventCatalogue.topics()) {
    grants.push({ principal: KAFKA_ANALYST_PRINCIPAL, resource: 'topic', name, pattern: 'literal', operations: ['read', 'describe'] });
  }
  grants.push({ principal: KAFKA_ANALYST_PRINCIPAL, resource: 'group', name: ANALYST_GROUP_PREFIX, pattern: 'prefixed', operations: ['read', 'describe', 'delete'] });
  return grants;
}

const OPERATIONS: Record<KafkaOperation, AclOperationTypes> = {
  read: AclOperationTypes.READ,
  write: AclOperationTypes.WRITE,
  create: AclOperationTypes.CREATE,
  describe: AclOperationTypes.DESCRIBE,
  delete: AclOperationTypes.DELETE,
};

/**
 * Makes the cluster ready for the services, as the admin principal: every catalogue topic, then the
 * ACLs of {@link kafkaAccessPlan}. Idempotent (an existing topic or ACL is left as it is); ACLs that
 * are no longer in the plan are not removed (say so to whoever revokes access: kafka-acls --remove).
 */
export async function provisionKafka(adminKafka: MessagingClient, options: KafkaAccessOptions = {}): Promise<{ topics: number; acls: number }> {
  const topics = eventCatalogue.topics();
  await ensureTopics(adminKafka, topics);
  const acl = kafkaAccessPlan(options).flatMap((grant) =>
    grant.operations.map((operation) => ({
      resourceType: grant.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
      resourceName: grant.name,
      resourcePatternType: grant.pattern === 'literal' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
      principal: `User:${grant.principal}`,
      host: '*',
      operation: OPERATIONS[operation],
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
  const admin = adminKafka.admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl });
  } finally {
    await admin.disconnect();
  }
  return { topics: topics.length, acls: acl.length };
}

/** The topics a service publishes to: those it owns and, when it owns any, the audit topic its anchors go to. */
export function topicsWrittenBy(service: string): string[] {
  const owned = Object.keys(TOPIC_OWNERS).filter((name) => TOPIC_OWNERS[name] === service);
  return owned.length ? [...owned, AUDIT_TOPIC] : [];
}
