import { Actor, TicketEvent, TicketEventData, TicketEventType, TicketState } from '@support/contracts';
import { TicketCommand, TicketCommandType } from './ticket.commands';

// test data for the ticket decider and ticket event specs; not exported from index.ts

export const TICKET_ID = '6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e';
export const CUSTOMER_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
export const VISIT_ID = '9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b';
export const DECISION_ID = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
export const SHEET_ID = '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e';
export const SIGNATURE_SHA256 = 'a3f1c9e07b2d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b';

/** "now" for every command; fixture histories happened before it */
export const NOW = new Date('2025-03-03T06:00:00.000Z');
export const LATER = new Date('2025-03-04T01:30:00.000Z');
export const actor: Actor = { id: 'agent-li', role: 'agent', name: 'Li' };

export const agent = { id: 'agent-li', role: 'agent', name: 'Li' } as const;
export const senior = { id: 'senior-wang', role: 'senior', name: 'Wang' } as const;
export const lead = { id: 'lead-zhao', role: 'lead', name: 'Zhao' } as const;
export const contractor = { id: 'contractor-chen', name: 'Chen' } as const;

/** One valid data sample per event type; the mapped type makes a missing type a compile error. */
export const sampleData: { [Type in TicketEventType]: TicketEventData<Type> } = {
  'support.ticket.received.v1': {
    ticketId: TICKET_ID,
    customerId: CUSTOMER_ID,
    customer: { name: 'Zhang San', phone: '+86 138 0000 0000', wechat: 'zhangsan_live' },
    channel: 'wechat',
    deviceModel: 'Sony A7 IV',
    problem: 'camera not detected by OBS during a live stream',
    urgency: 'urgent',
    requestedAt: '2025-03-03T01:55:00.000Z',
    receivedAt: '2025-03-03T02:00:00.000Z',
  },
  'support.ticket.assigned.v1': { ticketId: TICKET_ID, assignee: { ...agent }, tier: 'L1', decisionId: DECISION_ID, reason: 'urgent, common fault' },
  'support.ticket.dispatched-to-contractor.v1': {
    ticketId: TICKET_ID,
    assignee: { ...contractor, role: 'contractor' },
    scenario: 'capture-card-replacement',
    decisionId: DECISION_ID,
  },
  'support.ticket.escalation-requested.v1': { ticketId: TICKET_ID, reason: 'driver conflict beyond SOP', fromTier: 'L1' },
  'support.ticket.escalated.v1': {
    ticketId: TICKET_ID,
    fromTier: 'L1',
    toTier: 'L2',
    assignee: { ...senior },
    reason: 'driver conflict beyond SOP',
    decisionId: DECISION_ID,
  },
  'support.ticket.contacted.v1': { ticketId: TICKET_ID, channel: 'phone', note: 'called back', contactedAt: '2025-03-03T02:10:00.000Z' },
  'support.ticket.diagnosed.v1': {
    ticketId: TICKET_ID,
    faultCategory: 'usb-capture',
    scenario: 'capture-card-driver',
    difficulty: 'common',
    note: 'outdated driver',
  },
  'support.ticket.quoted.v1': { ticketId: TICKET_ID, amount: 15000, currency: 'CNY', note: 'remote session' },
  'support.ticket.quote-accepted.v1': { ticketId: TICKET_ID, amount: 15000, currency: 'CNY' },
  'support.ticket.quote-declined.v1': { ticketId: TICKET_ID, reason: 'too expensive' },
  'support.ticket.on-site-scheduled.v1': { ticketId: TICKET_ID, visitId: VISIT_ID, appointmentAt: '2025-03-04T01:00:00.000Z' },
  'support.ticket.technician-on-site.v1': { ticketId: TICKET_ID, visitId: VISIT_ID, arrivedAt: '2025-03-04T00:55:00.000Z' },
  'support.ticket.resolved.v1': { ticketId: TICKET_ID, resolution: 'replaced the USB cable and updated the driver', remote: false, sopId: 'sop-usb-capture' },
  'support.ticket.feedback-given.v1': { ticketId: TICKET_ID, satisfaction: 5, comment: 'fast' },
  'support.ticket.closed.v1': { ticketId: TICKET_ID, note: 'customer confirmed' },
  'support.ticket.reopened.v1': { ticketId: TICKET_ID, reason: 'stream drops again' },
  'support.ticket.cancelled.v1': { ticketId: TICKET_ID, reason: 'customer withdrew the request' },
  'support.ticket.sla-breached.v1': { ticketId: TICKET_ID, clockId: 'first-contact:ticket', ruleId: 'first-contact', dueAt: '2025-03-03T02:30:00.000Z', lateByMinutes: 3 },
  'support.ticket.field-service-recorded.v1': {
    ticketId: TICKET_ID,
    step: 'visit-signed',
    visitId: VISIT_ID,
    sheetId: SHEET_ID,
    at: '2025-03-04T02:40:00.000Z',
    note: 'signed by the customer',
    signatureSha256: SIGNATURE_SHA256,
  },
  'support.ticket.field-service-recorded.v2': {
    ticketId: TICKET_ID,
    step: 'visit-work-logged',
    visitId: VISIT_ID,
    sheetId: SHEET_ID,
    at: '2025-03-04T02:10:00.000Z',
    note: 'replaced the HDMI output module',
    signatureSha256: SIGNATURE_SHA256,
  },
};

export function sampleEvent<Type extends TicketEventType>(type: Type, data: Partial<TicketEventData<Type>> = {}): TicketEvent {
  return { type, data: { ...sampleData[type], ...data } } as TicketEvent;
}

const e = sampleEvent;
const toResolved = [
  e('support.ticket.received.v1'),
  e('support.ticket.assigned.v1'),
  e('support.ticket.contacted.v1'),
  e('support.ticket.diagnosed.v1'),
  e('support.ticket.quoted.v1'),
  e('support.ticket.quote-accepted.v1'),
  e('support.ticket.on-site-scheduled.v1'),
  e('support.ticket.technician-on-site.v1'),
  e('support.ticket.resolved.v1'),
];

/** A history that leaves the ticket in each stage (tier L1, assigned to the agent wherever assigned). */
export const HISTORIES: Record<TicketState | 'none', TicketEvent[]> = {
  none: [],
  received: toResolved.slice(0, 1),
  assigned: toResolved.slice(0, 2),
  contacted: toResolved.slice(0, 3),
  diagnosed: toResolved.slice(0, 4),
  quoted: toResolved.slice(0, 5),
  'in-progress': toResolved.slice(0, 6),
  'on-site': toResolved.slice(0, 8),
  resolved: toResolved,
  closed: [...toResolved, e('support.ticket.closed.v1')],
  cancelled: [...toResolved.slice(0, 2), e('support.ticket.cancelled.v1')],
  reopened: [...toResolved, e('support.ticket.closed.v1'), e('support.ticket.reopened.v1')],
};

const base = { ticketId: TICKET_ID, actor, at: NOW };

/** One valid command of each type, as the HTTP layer or a reactor would send it. */
export const COMMANDS: { [Type in TicketCommandType]: Extract<TicketCommand, { type: Type }> } = {
  OpenTicket: {
    ...base,
    type: 'OpenTicket',
    customerId: CUSTOMER_ID,
    customer: { name: 'Zhang San', phone: '+86 138 0000 0000' },
    channel: 'phone',
    deviceModel: 'Sony A7 IV',
    problem: 'camera not detected by OBS',
    urgency: 'urgent',
    requestedAt: new Date('2025-03-03T05:58:00.000Z'),
  },
  Assign: { ...base, type: 'Assign', assignee: { ...senior }, tier: 'L2', decisionId: DECISION_ID },
  DispatchToContractor: { ...base, type: 'DispatchToContractor', contractor: { ...contractor }, scenario: 'capture-card-replacement' },
  RequestEscalation: { ...base, type: 'RequestEscalation', reason: 'beyond the SOP' },
  Escalate: { ...base, type: 'Escalate', toTier: 'L2', assignee: { ...senior }, reason: 'beyond the SOP', decisionId: DECISION_ID },
  Contact: { ...base, type: 'Contact', channel: 'wechat' },
  Diagnose: { ...base, type: 'Diagnose', faultCategory: 'power', scenario: 'adapter-failure', difficulty: 'fixed-scenario' },
  Quote: { ...base, type: 'Quote', amount: 8800 },
  AcceptQuote: { ...base, type: 'AcceptQuote' },
  DeclineQuote: { ...base, type: 'DeclineQuote', reason: 'too expensive' },
  ScheduleOnSite: { ...base, type: 'ScheduleOnSite', visitId: VISIT_ID, appointmentAt: LATER },
  TechnicianOnSite: { ...base, type: 'TechnicianOnSite', visitId: VISIT_ID },
  Resolve: { ...base, type: 'Resolve', resolution: 'reset the capture card', remote: true },
  GiveFeedback: { ...base, type: 'GiveFeedback', satisfaction: 4 },
  Close: { ...base, type: 'Close' },
  Reopen: { ...base, type: 'Reopen', reason: 'it broke again' },
  Cancel: { ...base, type: 'Cancel', reason: 'customer withdrew' },
  RecordSlaBreach: { ...base, type: 'RecordSlaBreach', clockId: 'first-contact:ticket', ruleId: 'first-contact', dueAt: new Date('2025-03-03T02:30:00.000Z'), lateByMinutes: 3 },
  RecordFieldServiceStep: { ...base, type: 'RecordFieldServiceStep', step: 'visit-prepared', visitId: VISIT_ID, stepAt: new Date('2025-03-03T05:30:00.000Z') },
};

/** The event each command of COMMANDS must produce on the fixture histories, written out by hand. */
export const EXPECTED_EVENTS: Record<TicketCommandType, TicketEvent> = {
  OpenTicket: {
    type: 'support.ticket.received.v1',
    data: {
      ticketId: TICKET_ID,
      customerId: CUSTOMER_ID,
      customer: { name: 'Zhang San', phone: '+86 138 0000 0000' },
      channel: 'phone',
      deviceModel: 'Sony A7 IV',
      problem: 'camera not detected by OBS',
      urgency: 'urgent',
      requestedAt: '2025-03-03T05:58:00.000Z',
      receivedAt: '2025-03-03T06:00:00.000Z',
    },
  },
  Assign: {
    type: 'support.ticket.assigned.v1',
    data: { ticketId: TICKET_ID, assignee: { id: 'senior-wang', role: 'senior', name: 'Wang' }, tier: 'L2', decisionId: DECISION_ID },
  },
  DispatchToContractor: {
    type: 'support.ticket.dispatched-to-contractor.v1',
    data: { ticketId: TICKET_ID, assignee: { id: 'contractor-chen', role: 'contractor', name: 'Chen' }, scenario: 'capture-card-replacement' },
  },
  RequestEscalation: { type: 'support.ticket.escalation-requested.v1', data: { ticketId: TICKET_ID, reason: 'beyond the SOP', fromTier: 'L1' } },
  Escalate: {
    type: 'support.ticket.escalated.v1',
    data: {
      ticketId: TICKET_ID,
      fromTier: 'L1',
      toTier: 'L2',
      assignee: { id: 'senior-wang', role: 'senior', name: 'Wang' },
      reason: 'beyond the SOP',
      decisionId: DECISION_ID,
    },
  },
  Contact: { type: 'support.ticket.contacted.v1', data: { ticketId: TICKET_ID, channel: 'wechat', contactedAt: '2025-03-03T06:00:00.000Z' } },
  Diagnose: {
    type: 'support.ticket.diagnosed.v1',
    data: { ticketId: TICKET_ID, faultCategory: 'power', scenario: 'adapter-failure', difficulty: 'fixed-scenario' },
  },
  Quote: { type: 'support.ticket.quoted.v1', data: { ticketId: TICKET_ID, amount: 8800, currency: 'CNY' } },
  AcceptQuote: { type: 'support.ticket.quote-accepted.v1', data: { ticketId: TICKET_ID, amount: 15000, currency: 'CNY' } },
  DeclineQuote: { type: 'support.ticket.quote-declined.v1', data: { ticketId: TICKET_ID, reason: 'too expensive' } },
  ScheduleOnSite: {
    type: 'support.ticket.on-site-scheduled.v1',
    data: { ticketId: TICKET_ID, visitId: VISIT_ID, appointmentAt: '2025-03-04T01:30:00.000Z' },
  },
  TechnicianOnSite: {
    type: 'support.ticket.technician-on-site.v1',
    data: { ticketId: TICKET_ID, visitId: VISIT_ID, arrivedAt: '2025-03-03T06:00:00.000Z' },
  },
  Resolve: { type: 'support.ticket.resolved.v1', data: { ticketId: TICKET_ID, resolution: 'reset the capture card', remote: true } },
  GiveFeedback: { type: 'support.ticket.feedback-given.v1', data: { ticketId: TICKET_ID, satisfaction: 4 } },
  Close: { type: 'support.ticket.closed.v1', data: { ticketId: TICKET_ID } },
  Reopen: { type: 'support.ticket.reopened.v1', data: { ticketId: TICKET_ID, reason: 'it broke again' } },
  Cancel: { type: 'support.ticket.cancelled.v1', data: { ticketId: TICKET_ID, reason: 'customer withdrew' } },
  RecordSlaBreach: {
    type: 'support.ticket.sla-breached.v1',
    data: { ticketId: TICKET_ID, clockId: 'first-contact:ticket', ruleId: 'first-contact', dueAt: '2025-03-03T02:30:00.000Z', lateByMinutes: 3 },
  },
  RecordFieldServiceStep: {
    type: 'support.ticket.field-service-recorded.v2',
    data: { ticketId: TICKET_ID, step: 'visit-prepared', visitId: VISIT_ID, at: '2025-03-03T05:30:00.000Z' },
  },
};
