import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { asyncApiDocument, catalogueLock, CatalogueLock, eventCatalogue, incompatibleChanges, wireSchema } from '@support/contracts';
import { ASYNCAPI_PATH, asyncApiYaml, CATALOGUE_LOCK_PATH } from '../src/event-docs';

const root = join(__dirname, '..', '..', '..');
const committedLock = (): CatalogueLock => JSON.parse(readFileSync(join(root, CATALOGUE_LOCK_PATH), 'utf8'));

describe('the event streams as a documented product', () => {
  it('docs/events/asyncapi.yaml is what the catalogue generates (run `npm run events:docs` after changing an event)', () => {
    expect(readFileSync(join(root, ASYNCAPI_PATH), 'utf8')).toBe(asyncApiYaml());
  });

  it('documents every topic, key, header and schema', () => {
    const document = parse(asyncApiYaml());
    expect(Object.keys(document.channels).sort()).toEqual([...eventCatalogue.topics(), 'dead-letters'].sort());
    for (const definition of eventCatalogue.all()) {
      const message = Object.values(document.components.messages as Record<string, { name: string; payload: unknown; headers: { required: string[] }; bindings: unknown }>).find(
        (m) => m.name === definition.type,
      );
      expect(message?.payload).toEqual(wireSchema(definition));
      expect(message?.headers.required).toEqual(expect.arrayContaining(['ce_id', 'ce_type', 'ce_subject', 'ce_audithash']));
      expect(message?.bindings).toEqual({ kafka: { key: { type: 'string', description: `the ${definition.aggregate} id` } } });
    }
  });

  it("names the analysts' listener, the security scheme, and the dead-letter topics with their headers", () => {
    const document = parse(asyncApiYaml());
    expect(document.servers.analysts).toMatchObject({ host: '{host}:29092', protocol: 'kafka-secure', security: [{ $ref: '#/components/securitySchemes/scram' }] });
    expect(document.servers.local.security).toEqual([{ $ref: '#/components/securitySchemes/scram' }]);
    expect(document.components.securitySchemes.scram.type).toBe('scramSha512');
    expect(document.channels['dead-letters'].address).toBe('support.dlq.{group}');
    expect(document.components.messages['dead-lettered-event'].headers.required).toEqual(['dlq_error', 'dlq_group', 'dlq_topic', 'dlq_partition', 'dlq_offset', 'dlq_parked_at']);
    expect(document.operations['park-dead-letters'].channel).toEqual({ $ref: '#/channels/dead-letters' });
    expect(document.channels['support.audit.v1'].messages).toHaveProperty('audit-chain-anchored-v1');
  });

  it('changes no published event version incompatibly, and the lock lists every version', () => {
    expect(incompatibleChanges(committedLock(), catalogueLock(eventCatalogue))).toEqual([]);
    expect(Object.keys(committedLock()).sort()).toEqual(
      eventCatalogue
        .all()
        .map((d) => d.type)
        .sort(),
    );
  });

  it('catches a removed version, a moved one, and a changed schema, but not a changed description', () => {
    const locked = catalogueLock(eventCatalogue);
    const current = structuredClone(locked);
    delete current['support.ticket.closed.v1'];
    current['support.ticket.cancelled.v1'].topic = 'support.other.v1';
    (current['support.ticket.reopened.v1'].schema as { required: string[] }).required = ['ticketId'];
    (current['support.ticket.contacted.v1'].schema as { description?: string }).description = 'reworded';
    expect(incompatibleChanges(locked, current)).toEqual([
      'support.ticket.cancelled.v1 moved from support.tickets.v1 to support.other.v1',
      'support.ticket.closed.v1 was removed: keep it (consumers still read old events); publish a new version instead',
      'support.ticket.reopened.v1: its schema changed; an existing version never changes: define support.ticket.reopened.v2 instead',
    ]);
    expect(asyncApiDocument(eventCatalogue, 'x')).toMatchObject({ asyncapi: '3.0.0' });
  });
});
