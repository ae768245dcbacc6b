import { Actor } from '@support/contracts';

// test helpers shared by the visit and sheet decider specs (not part of the domain's exports)

export const NOW = new Date('2025-03-03T01:00:00.000Z');
export const TICKET = '0b7f3c2e-5d7a-4c1e-9a61-2f4d8e6b1a01';
export const VISIT = '7c1d9e4a-3b2f-4e8d-8c5a-6f0e1d2c3b02';
export const SHEET = 'e4a2b6c8-1d3f-4a5b-9c7d-8e0f1a2b3c03';

export const lead: Actor = { id: 'lead-zhao', role: 'lead', name: 'Zhao' };
export const senior: Actor = { id: 'senior-li', role: 'senior', name: 'Li' };
export const agent: Actor = { id: 'agent-wang', role: 'agent', name: 'Wang' };
export const contractor: Actor = { id: 'contractor-chen', role: 'contractor', name: 'Chen' };
export const otherContractor: Actor = { id: 'contractor-sun', role: 'contractor' };

export const hoursAfter = (date: Date, hours: number) => new Date(date.getTime() + hours * 3_600_000);

// the shared helpers, under the names the specs use
export { catalogueCheckedSpecification, expectCatalogued } from '@support/test-kit';
export { deepFreeze } from '@support/contracts';
