import { Actor } from '@support/contracts';

// test helpers shared by the lead-pool decider specs (not part of the domain's exports)

export const NOW = new Date('2025-03-03T01:00:00.000Z');
export const LEAD = '6a1f2b3c-4d5e-4f60-8a7b-9c0d1e2f3a01';
export const TICKET = '0b7f3c2e-5d7a-4c1e-9a61-2f4d8e6b1a01';
export const OTHER_TICKET = '1c8e4d3f-6e8b-4d2f-8b72-3e5f9a7c2b02';
export const POLICY = 'studio';

export const lead: Actor = { id: 'lead-zhao', role: 'lead', name: 'Zhao' };
export const senior: Actor = { id: 'senior-li', role: 'senior', name: 'Li' };
export const agent: Actor = { id: 'agent-wang', role: 'agent', name: 'Wang' };
export const otherAgent: Actor = { id: 'agent-liu', role: 'agent' };
export const contractor: Actor = { id: 'contractor-chen', role: 'contractor', name: 'Chen' };
export const analyst: Actor = { id: 'analyst-sun', role: 'analyst' };
export const pool: Actor = { id: 'lead-pool', role: 'service' };

export const minutesAfter = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

// the shared helpers, under the names the specs use
export { catalogueCheckedSpecification, expectCatalogued } from '@support/test-kit';
export { deepFreeze } from '@support/contracts';
