import {
  Assignee,
  ASSIGNEE_ROLES,
  CHANNELS,
  CONTACT_CHANNELS,
  DEFAULT_CURRENCY,
  DIFFICULTIES,
  FIELD_SERVICE_STEPS,
  nextTier,
  TicketEvent,
  TicketEventData,
  TIERS,
  URGENCIES,
} from '@support/contracts';
import { accept, blank, Decider, Decision, invalid, isBlank, oneOf, optional, reject, validDate } from '@support/decider';
import { TicketCommand } from './ticket.commands';
import { evolveTicket, initialTicketState, Ticket, TicketAggregate, ticketExists } from './ticket.state';
import { TICKET_TRANSITIONS } from './ticket.transitions';

/**
 * The Ticket decider. Order of checks: the ticket must exist (`not-found`), the command must be legal in
 * the ticket's stage and fit its current facts (`illegal-transition`, 409), then the command's own values
 * must hold (`invalid-command`, 400). Who may send which command is checked before, by the caller.
 */
export const ticketDecider: Decider<TicketCommand, TicketEvent, TicketAggregate> = {
  decide: decideTicket,
  evolve: evolveTicket,
  initialState: initialTicketState,
};

export function decideTicket(command: TicketCommand, state: TicketAggregate): Decision<TicketEvent> {
  const transition = TICKET_TRANSITIONS[command.type];
  const illegal = (why?: string) => reject('illegal-transition', `cannot ${transition.verb} a ticket in state ${state.state}${why ? `: ${why}` : ''}`);

  if (command.type !== 'OpenTicket' && !ticketExists(state)) return reject('not-found', `ticket ${command.ticketId} does not exist`);
  if (ticketExists(state) && state.id !== command.ticketId) {
    // the caller loaded the wrong stream: a bug, not a business outcome
    throw new Error(`command for ticket ${command.ticketId} decided on ticket ${state.id}`);
  }
  if (transition.from[state.state] === undefined) return illegal(command.type === 'OpenTicket' ? 'it already exists' : undefined);
  if (!validDate(command.at)) return invalid('at must be a valid date');
  const at = command.at.toISOString();

  switch (command.type) {
    case 'OpenTicket': {
      const { customer } = command;
      const requestedAt = command.requestedAt ?? command.at;
      const problem =
        blank(command.customerId, 'customerId') ??
        blank(customer?.name, 'customer.name') ??
        (isBlank(customer?.phone) && isBlank(customer?.wechat) ? 'customer needs a phone or a wechat id' : undefined) ??
        oneOf(command.channel, CHANNELS, 'channel') ??
        blank(command.deviceModel, 'deviceModel') ??
        blank(command.problem, 'problem') ??
        oneOf(command.urgency, URGENCIES, 'urgency') ??
        (command.triage?.difficulty !== undefined ? oneOf(command.triage.difficulty, DIFFICULTIES, 'triage.difficulty') : undefined) ??
        (!validDate(requestedAt) || requestedAt > command.at ? 'requestedAt must be a valid date, not in the future' : undefined);
      if (problem) return invalid(problem);
      return accept({
        type: 'support.ticket.received.v1',
        data: {
          ticketId: command.ticketId,
          customerId: command.customerId,
          customer: {
            name: customer.name,
            ...(customer.phone !== undefined ? { phone: customer.phone } : {}),
            ...(customer.wechat !== undefined ? { wechat: customer.wechat } : {}),
          },
          channel: command.channel,
          deviceModel: command.deviceModel,
          problem: command.problem,
          urgency: command.urgency,
          requestedAt: requestedAt.toISOString(),
          receivedAt: at,
          ...(command.triage && Object.keys(command.triage).length > 0 ? { triage: { ...command.triage } } : {}),
        },
      });
    }

    case 'Assign': {
      const problem = memberProblem(command.assignee, 'assignee') ?? oneOf(command.tier, TIERS, 'tier');
      if (problem) return invalid(problem);
      return accept({
        type: 'support.ticket.assigned.v1',
        data: {
          ticketId: command.ticketId,
          assignee: assigneeOf(command.assignee),
          tier: command.tier,
          ...optional('decisionId', command.decisionId),
          ...optional('reason', command.reason),
        },
      });
    }

    case 'DispatchToContractor': {
      const problem = blank(command.contractor?.id, 'contractor.id') ?? blank(command.scenario, 'scenario');
      if (problem) return invalid(problem);
      return accept({
        type: 'support.ticket.dispatched-to-contractor.v1',
        data: {
          ticketId: command.ticketId,
          assignee: { id: command.contractor.id, role: 'contractor', ...optional('name', command.contractor.name) },
          scenario: command.scenario,
          ...optional('decisionId', command.decisionId),
        },
      });
    }

    case 'RequestEscalation': {
      const ticket = state as Ticket;
      const fromTier = ticket.tier ?? 'L1';
      if (!nextTier(fromTier)) return illegal(`tier ${fromTier} is final`);
      const problem = blank(command.reason, 'reason');
      if (problem) return invalid(problem);
      return accept({ type: 'support.ticket.escalation-requested.v1', data: { ticketId: command.ticketId, reason: command.reason, fromTier } });
    }

    case 'Escalate': {
      const ticket = state as Ticket;
      const fromTier = ticket.tier ?? 'L1';
      const next = nextTier(fromTier);
      if (!next) return illegal(`tier ${fromTier} is final`);
      const problem = oneOf(command.toTier, TIERS, 'toTier') ?? memberProblem(command.assignee, 'assignee') ?? blank(command.reason, 'reason');
      if (problem) return invalid(problem);
      if (command.toTier !== next) return illegal(`it is at tier ${fromTier}, so it can only go to ${next}, not ${command.toTier}`);
      return accept({
        type: 'support.ticket.escalated.v1',
        data: {
          ticketId: command.ticketId,
          fromTier,
          toTier: next,
          assignee: assigneeOf(command.assignee),
          reason: command.reason,
          ...optional('decisionId', command.decisionId),
        },
      });
    }

    case 'Contact': {
      if (!(state as Ticket).assignee) return illegal('nobody is assigned');
      const contactedAt = command.contactedAt ?? command.at;
      const problem =
        oneOf(command.channel, CONTACT_CHANNELS, 'channel') ??
        (!validDate(contactedAt) || contactedAt > command.at ? 'contactedAt must be a valid date, not in the future' : undefined);
      if (problem) return invalid(problem);
      return accept({
        type: 'support.ticket.contacted.v1',
        data: { ticketId: command.ticketId, channel: command.channel, ...optional('note', command.note), contactedAt: contactedAt.toISOString() },
      });
    }

    case 'Diagnose': {
      const problem = blank(command.faultCategory, 'faultCategory') ?? blank(command.scenario, 'scenario') ?? oneOf(command.difficulty, DIFFICULTIES, 'difficulty');
      if (problem) return invalid(problem);
      return accept({
        type: 'support.ticket.diagnosed.v1',
        data: {
          ticketId: command.ticketId,
          faultCategory: command.faultCategory,
          scenario: command.scenario,
          difficulty: command.difficulty,
          ...optional('note', command.note),
        },
      });
    }

    case 'Quote': {
      const currency = command.currency ?? DEFAULT_CURRENCY;
      if (!Number.isSafeInteger(command.amount) || command.amount < 0) return invalid('amount must be an integer number of cents, 0 or more');
      if (!/^[A-Z]{3}$/.test(currency)) return invalid('currency must be a three-letter ISO 4217 code');
      return accept({
        type: 'support.ticket.quoted.v1',
        data: { ticketId: command.ticketId, amount: command.amount, currency, ...optional('note', command.note) },
      });
    }

    case 'AcceptQuote': {
      const { quote } = state as Ticket;
      if (!quote) return illegal('there is no quote');
      return accept({ type: 'support.ticket.quote-accepted.v1', data: { ticketId: command.ticketId, amount: quote.amount, currency: quote.currency } });
    }

    case 'DeclineQuote':
      return accept({ type: 'support.ticket.quote-declined.v1', data: { ticketId: command.ticketId, ...optional('reason', command.reason) } });

    case 'ScheduleOnSite': {
      const problem =
        blank(command.visitId, 'visitId') ??
        (!validDate(command.appointmentAt) || command.appointmentAt < command.at ? 'appointmentAt must be a valid date, not in the past' : undefined);
      if (problem) return invalid(problem);
      return accept({
        type: 'support.ticket.on-site-scheduled.v1',
        data: { ticketId: command.ticketId, visitId: command.visitId, appointmentAt: command.appointmentAt.toISOString() },
      });
    }

    case 'TechnicianOnSite': {
      const { visit } = state as Ticket;
      if (visit && visit.visitId !== command.visitId) return illegal(`visit ${command.visitId} is not the booked visit ${visit.visitId}`);
      const arrivedAt = command.arrivedAt ?? command.at;
      if (!validDate(arrivedAt) || arrivedAt > command.at) return invalid('arrivedAt must be a valid date, not in the future');
      return accept({
        type: 'support.ticket.technician-on-site.v1',
        data: { ticketId: command.ticketId, visitId: command.visitId, arrivedAt: arrivedAt.toISOString() },
      });
    }

    case 'Resolve': {
      const problem = blank(command.resolution, 'resolution') ?? (typeof command.remote !== 'boolean' ? 'remote must be true or false' : undefined);
      if (problem) return invalid(problem);
      return accept({
        type: 'support.ticket.resolved.v1',
        data: { ticketId: command.ticketId, resolution: command.resolution, remote: command.remote, ...optional('sopId', command.sopId) },
      });
    }

    case 'GiveFeedback': {
      const { satisfaction } = state as Ticket;
      if (satisfaction !== undefined) return illegal(`feedback was already given (satisfaction ${satisfaction})`);
      if (!Number.isInteger(command.satisfaction) || command.satisfaction < 1 || command.satisfaction > 5) {
        return invalid('satisfaction must be an integer from 1 to 5');
      }
      return accept({
        type: 'support.ticket.feedback-given.v1',
        data: { ticketId: command.ticketId, satisfaction: command.satisfaction, ...optional('comment', command.comment) },
      });
    }

    case 'Close':
      return accept({ type: 'support.ticket.closed.v1', data: { ticketId: command.ticketId, ...optional('note', command.note) } });

    case 'RecordSlaBreach': {
      const problem =
        blank(command.clockId, 'clockId') ??
        blank(command.ruleId, 'ruleId') ??
        (!validDate(command.dueAt) ? 'dueAt must be a valid date' : undefined) ??
        (!(command.lateByMinutes >= 0) ? 'lateByMinutes must be 0 or more' : undefined);
      if (problem) return invalid(problem);
      return accept({
        type: 'support.ticket.sla-breached.v1',
        data: { ticketId: command.ticketId, clockId: command.clockId, ruleId: command.ruleId, dueAt: command.dueAt.toISOString(), lateByMinutes: command.lateByMinutes },
      });
    }

    case 'RecordFieldServiceStep': {
      const { step } = command;
      const problem =
        oneOf(step, FIELD_SERVICE_STEPS, 'step') ??
        (!validDate(command.stepAt) ? 'stepAt must be a valid date' : undefined) ??
        (step.startsWith('visit-') || command.visitId !== undefined ? uuidProblem(command.visitId, 'visitId', `a ${step} step`) : undefined) ??
        (step.startsWith('sheet-') || command.sheetId !== undefined ? uuidProblem(command.sheetId, 'sheetId', `a ${step} step`) : undefined) ??
        (step === 'visit-signed' || command.signatureSha256 !== undefined ? sha256Problem(command.signatureSha256, 'signatureSha256', `a ${step} step`) : undefined);
      if (problem) return invalid(problem);
      return accept({
        type: 'support.ticket.field-service-recorded.v2',
        data: {
          ticketId: command.ticketId,
          step,
          ...optional('visitId', command.visitId),
          ...optional('sheetId', command.sheetId),
          at: command.stepAt.toISOString(),
          ...optional('note', command.note),
          ...optional('signatureSha256', command.signatureSha256),
        },
      });
    }

    case 'Reopen': {
      const problem = blank(command.reason, 'reason');
      if (problem) return invalid(problem);
      return accept({ type: 'support.ticket.reopened.v1', data: { ticketId: command.ticketId, reason: command.reason } });
    }

    case 'Cancel': {
      const problem = blank(command.reason, 'reason');
      if (problem) return invalid(problem);
      return accept({ type: 'support.ticket.cancelled.v1', data: { ticketId: command.ticketId, reason: command.reason } });
    }
  }
}

// assignment and escalation go to members on the tier chain; contractors only through a dispatch
function memberProblem(assignee: Assignee | undefined, field: string): string | undefined {
  if (!assignee) return `${field} is required`;
  return (
    blank(assignee.id, `${field}.id`) ??
    oneOf(assignee.role, ASSIGNEE_ROLES, `${field}.role`) ??
    (assignee.role === 'contractor' ? `${field} cannot be a contractor: dispatch the ticket to a contractor instead` : undefined)
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA256 = /^[0-9a-f]{64}$/;

/** A problem message when `value` is missing (`what` needs it) or not a uuid. */
function uuidProblem(value: string | undefined, field: string, what: string): string | undefined {
  if (isBlank(value)) return `${field} is required for ${what}`;
  return UUID.test(value as string) ? undefined : `${field} must be a uuid`;
}

function sha256Problem(value: string | undefined, field: string, what: string): string | undefined {
  if (isBlank(value)) return `${field} is required for ${what}`;
  return SHA256.test(value as string) ? undefined : `${field} must be 64 lower-case hex characters (a sha256)`;
}

// memberProblem has refused a contractor by then: assignment and escalation schemas have no contractor role
function assigneeOf(assignee: Assignee): TicketEventData<'support.ticket.assigned.v1'>['assignee'] {
  if (assignee.role === 'contractor') throw new Error('a contractor is dispatched to a ticket, never assigned');
  return { id: assignee.id, role: assignee.role, ...optional('name', assignee.name) };
}
