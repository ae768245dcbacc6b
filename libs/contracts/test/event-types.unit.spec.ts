import {
  articleDrafted,
  assignmentDecided,
  eventCatalogue,
  EventOf,
  escalationDecided,
  ticketDispatchedToContractor,
  ticketFieldServiceRecorded,
  visitScheduled,
} from '@support/contracts';

// the data types are derived from the schemas (json-schema-to-ts): these assertions fail the typecheck
// when a derivation drifts; jest only runs the runtime half

// true only when A and B are the same type (optional vs required, literal unions, nesting)
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

type Data<D> = EventOf<D>['data'];

describe('event data types derived from the schemas', () => {
  it('give an event the shape its schema describes: enums as unions, required and optional fields, nested objects', () => {
    const check: Equals<
      Data<typeof assignmentDecided>,
      {
        ticketId: string;
        assignee: { id: string; role: 'lead' | 'senior' | 'agent' | 'contractor'; name?: string };
        tier: 'L1' | 'L2' | 'L3';
        mode: 'automatic' | 'manual';
        reason: string;
        scenario?: string;
      }
    > = true;
    expect(check).toBe(true);
  });

  it('narrow the roles, steps and fields a schema narrows', () => {
    const escalatedTo: Equals<Data<typeof escalationDecided>['assignee']['role'], 'lead' | 'senior' | 'agent'> = true;
    const dispatchedTo: Equals<Data<typeof ticketDispatchedToContractor>['assignee']['role'], 'contractor'> = true;
    const v1Steps: Equals<Extract<Data<typeof ticketFieldServiceRecorded>['step'], 'sheet-drafted' | 'visit-signed'>, 'visit-signed'> = true;
    const technician: Equals<Data<typeof visitScheduled>['technician']['role'], 'lead' | 'senior' | 'agent' | 'contractor'> = true;
    const draftVersion: Equals<Data<typeof articleDrafted>['version'], 1> = true;
    expect([escalatedTo, dispatchedTo, v1Steps, technician, draftVersion]).toEqual([true, true, true, true, true]);
  });

  it('describe what the schema accepts, and the schema still refuses data missing a required field', () => {
    const decided: Data<typeof assignmentDecided> = {
      ticketId: '6f1f2a4e-0d3b-4c1a-9f6e-2b7c8d9e0a1b',
      assignee: { id: 'member-7', role: 'agent' },
      tier: 'L1',
      mode: 'automatic',
      reason: 'skills match',
    };
    expect(eventCatalogue.validate(assignmentDecided.type, decided)).toEqual({ ok: true });

    const { reason: _reason, ...withoutReason } = decided;
    expect(eventCatalogue.validate(assignmentDecided.type, withoutReason)).toEqual({ ok: false, errors: ["/ must have required property 'reason'"] });
  });
});
