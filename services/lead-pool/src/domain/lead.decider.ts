import { Actor, LeadEvent, LeadSource, URGENCIES } from '@support/contracts';
import { accept, Decider, Decision, reject } from '@support/decider';
import {
  atProblem,
  contactOf,
  contactProblem,
  invalid,
  LIMITS,
  memberIdProblem,
  notUuid,
  oneOf,
  optional,
  optionalText,
  positiveInteger,
  sourceOf,
  sourceProblem,
  text,
  validDate,
} from './checks';
import { CaptureLead, LeadCommand, LeadCommandType } from './lead.commands';
import { evolveLead, initialLeadState, Lead, LeadState, LeadStatus } from './lead.state';

/** DOMAIN.md: every member except contractors brings in leads; these roles may capture them. */
export const CAPTURING_ROLES = ['lead', 'senior', 'agent', 'service'] as const;

interface LeadTransition {
  /** for rejections: "cannot <verb> a lead that is <status>" */
  verb: string;
  /** the statuses the command is legal in */
  from: readonly LeadStatus[];
}

const ANY: readonly LeadStatus[] = ['pooled', 'allocated', 'accepted', 'converted', 'lost'];

/** Which command is legal in which status; evolve sets the status each event leads to. */
export const LEAD_TRANSITIONS: Readonly<Record<Exclude<LeadCommandType, 'CaptureLead'>, LeadTransition>> = {
  MergeDuplicate: { verb: 'merge a duplicate into', from: ANY },
  AllocateLead: { verb: 'allocate', from: ['pooled'] },
  AcceptLead: { verb: 'accept', from: ['allocated'] },
  DeclineLead: { verb: 'decline', from: ['allocated'] },
  ExpireAllocation: { verb: 'expire the allocation of', from: ['allocated'] },
  ConvertLead: { verb: 'convert', from: ['accepted'] },
  LoseLead: { verb: 'lose', from: ['pooled', 'allocated', 'accepted'] },
  // flagging an accepted, converted or lost lead is accepted with no events
  FlagHoarding: { verb: 'flag', from: ANY },
  EraseLead: { verb: 'erase', from: ANY },
};

/**
 * The Lead decider. Order of checks: contractors are refused outright, the lead must exist
 * (`not-found`), the command must be legal in its status and the actor's to send
 * (`illegal-transition`, 409), then its values must hold (`invalid-command`, 400). Who is on duty and
 * who is next by the ratios is the application's (see `nextMember`).
 */
export const leadDecider: Decider<LeadCommand, LeadEvent, LeadState> = {
  decide: decideLead,
  evolve: evolveLead,
  initialState: initialLeadState,
};

export function decideLead(command: LeadCommand, state: LeadState): Decision<LeadEvent> {
  // the HTTP layer answers 403 first; this keeps the rule where the events are decided
  if (command.actor.role === 'contractor') return reject('illegal-transition', 'contractors take no part in the lead pool');
  if (command.type === 'CaptureLead') return capture(command, state);

  if (state.status === 'none') return reject('not-found', `lead ${command.leadId} does not exist`);
  if (state.leadId !== command.leadId) {
    // the caller loaded the wrong stream: a bug, not a business outcome
    throw new Error(`command for lead ${command.leadId} decided on lead ${state.leadId}`);
  }
  const lead = state;
  const transition = LEAD_TRANSITIONS[command.type];
  if (!transition.from.includes(lead.status)) {
    const final = lead.status === 'converted' || lead.status === 'lost' ? ': it is final' : '';
    return reject('illegal-transition', `cannot ${transition.verb} a lead that is ${lead.status}${final}`);
  }
  // the deadline rules compare with at: it must be a date first
  const atInvalid = atProblem(command.at);
  if (atInvalid) return invalid(atInvalid);
  const refused = erasedProblem(command, lead) ?? actorProblem(command, lead);
  if (refused) return reject('illegal-transition', refused);
  const { leadId } = lead;

  switch (command.type) {
    case 'MergeDuplicate': {
      const problem = sourceProblem(command.source) ?? optionalText(command.note, 'note', LIMITS.note);
      if (problem) return invalid(problem);
      return accept({ type: 'support.lead.duplicate-captured.v1', data: { leadId, source: sourceOf(command.source), ...optional('note', command.note) } });
    }

    case 'AllocateLead': {
      if (lead.declinedBy.includes(command.memberId)) {
        return reject('illegal-transition', `member ${command.memberId} declined this lead or let it time out: it is not offered to them again`);
      }
      const problem =
        memberIdProblem(command.memberId, 'memberId') ??
        positiveInteger(command.policyVersion, 'policyVersion') ??
        (validDate(command.acceptBy) && command.acceptBy > command.at ? undefined : 'acceptBy must be a valid date after at');
      if (problem) return invalid(problem);
      const { memberId, policyVersion, acceptBy } = command;
      return accept({ type: 'support.lead.allocated.v1', data: { leadId, memberId, policyVersion, acceptBy: acceptBy.toISOString() } });
    }

    case 'AcceptLead':
      return accept({ type: 'support.lead.accepted.v1', data: { leadId, memberId: lead.allocatedTo as string } });

    case 'DeclineLead': {
      const problem = optionalText(command.reason, 'reason', LIMITS.reason);
      if (problem) return invalid(problem);
      return accept({ type: 'support.lead.returned.v1', data: { leadId, memberId: lead.allocatedTo as string, why: 'declined', ...optional('reason', command.reason) } });
    }

    case 'ExpireAllocation':
      return accept({ type: 'support.lead.returned.v1', data: { leadId, memberId: lead.allocatedTo as string, why: 'timed-out' } });

    case 'ConvertLead': {
      const { customer, deviceModel, problem: described, urgency } = command;
      const problem =
        (customer && typeof customer === 'object' ? text(customer.name, 'customer.name', LIMITS.customerName) : 'customer is required') ??
        contactProblem(customer, 'customer') ??
        text(deviceModel, 'deviceModel', LIMITS.deviceModel) ??
        text(described, 'problem', LIMITS.problem) ??
        oneOf(urgency, URGENCIES, 'urgency');
      if (problem) return invalid(problem);
      return accept({
        type: 'support.lead.converted.v1',
        data: { leadId, memberId: lead.acceptedBy as string, customer: { name: customer.name, ...contactOf(customer) }, deviceModel, problem: described, urgency },
      });
    }

    case 'LoseLead': {
      const problem = text(command.reason, 'reason', LIMITS.reason);
      if (problem) return invalid(problem);
      return accept({ type: 'support.lead.lost.v1', data: { leadId, reason: command.reason } });
    }

    case 'FlagHoarding': {
      const problem = notUuid(command.ticketId, 'ticketId') ?? memberIdProblem(command.memberId, 'memberId');
      if (problem) return invalid(problem);
      // an accepted lead is worked openly, a converted or lost one is done: nothing to flag;
      // the same ticket seen again (redelivery) flags nothing new
      if ((lead.status !== 'pooled' && lead.status !== 'allocated') || lead.hoardingFlaggedFor.includes(command.ticketId)) return accept();
      return accept({ type: 'support.lead.hoarding-flagged.v1', data: { leadId, ticketId: command.ticketId, memberId: command.memberId, leadStatus: lead.status } });
    }

    case 'EraseLead': {
      const problem = text(command.reason, 'reason', LIMITS.reason) ?? (command.customerId === undefined ? undefined : notUuid(command.customerId, 'customerId'));
      if (problem) return invalid(problem);
      return accept({ type: 'support.lead.erased.v1', data: { leadId, reason: command.reason, ...optional('customerId', command.customerId) } });
    }
  }
}

// an erased lead is erased once; nobody can be reached through it, so it is neither handed out nor converted
function erasedProblem(command: Exclude<LeadCommand, CaptureLead>, lead: Lead): string | undefined {
  if (!lead.erased) return undefined;
  if (command.type === 'EraseLead') return `the personal data of lead ${lead.leadId} was erased already`;
  if (command.type === 'AllocateLead' || command.type === 'ConvertLead') return `cannot ${LEAD_TRANSITIONS[command.type].verb} a lead whose personal data was erased`;
  return undefined;
}

function capture(command: CaptureLead, state: LeadState): Decision<LeadEvent> {
  if (state.status !== 'none') return reject('illegal-transition', `lead ${command.leadId} already exists (it is ${state.status})`);
  const refused = ownLeadProblem(command.actor, command.source);
  if (refused) return reject('illegal-transition', refused);
  const problem =
    atProblem(command.at) ??
    notUuid(command.leadId, 'leadId') ??
    sourceProblem(command.source) ??
    text(command.customerHandle, 'customerHandle', LIMITS.customerHandle) ??
    contactProblem(command.contact, 'contact') ??
    optionalText(command.note, 'note', LIMITS.note) ??
    oneOf(command.via, ['rest', 'webhook'], 'via');
  if (problem) return invalid(problem);
  const { leadId, source, customerHandle, contact, note, via } = command;
  return accept({
    type: 'support.lead.captured.v1',
    data: { leadId, source: sourceOf(source), customerHandle, contact: contactOf(contact), ...optional('note', note), via },
  });
}

// a member registers only their own leads; a lead, or the service behind a webhook, registers for any member
function ownLeadProblem(actor: Actor, source: LeadSource | undefined): string | undefined {
  if (!(CAPTURING_ROLES as readonly string[]).includes(actor.role)) return `the ${actor.role} role does not capture leads`;
  if (actor.role === 'lead' || actor.role === 'service') return undefined;
  // a missing source is a value problem, reported as such
  if (!source || typeof source.memberId !== 'string') return undefined;
  return source.memberId === actor.id ? undefined : 'a member registers only their own leads';
}

// who may send each command, once its status allows it
function actorProblem(command: Exclude<LeadCommand, CaptureLead>, lead: Lead): string | undefined {
  const { actor } = command;
  const byLead = actor.role === 'lead';
  const byPool = actor.role === 'service';
  switch (command.type) {
    case 'MergeDuplicate':
      return ownLeadProblem(actor, command.source);
    case 'AllocateLead':
      // by the ratios, never by a member for themselves
      return byPool || byLead ? undefined : 'only the pool (or a lead) allocates leads';
    case 'AcceptLead':
    case 'DeclineLead': {
      const verb = command.type === 'AcceptLead' ? 'accept' : 'decline';
      if (!byLead && actor.id !== lead.allocatedTo) return `only the member the lead was allocated to may ${verb} it`;
      // the allocation runs until acceptBy; from then on only its expiry applies
      if (command.type === 'AcceptLead' && command.at >= (lead.acceptBy as Date))
        return `the allocation ran out at ${(lead.acceptBy as Date).toISOString()}: the lead goes back to the pool`;
      return undefined;
    }
    case 'ExpireAllocation':
      if (!byPool) return "only the pool's timer expires an allocation";
      return command.at >= (lead.acceptBy as Date) ? undefined : `the allocation runs until ${(lead.acceptBy as Date).toISOString()}`;
    case 'ConvertLead':
      return byLead || actor.id === lead.acceptedBy ? undefined : 'only the member who accepted the lead may convert it';
    case 'LoseLead': {
      const holder = lead.status === 'allocated' ? lead.allocatedTo : lead.status === 'accepted' ? lead.acceptedBy : undefined;
      return byLead || byPool || actor.id === holder ? undefined : 'only a lead, the pool, or the member holding the lead may mark it lost';
    }
    case 'FlagHoarding':
      return byPool || byLead ? undefined : 'only the pool (or a lead) flags hoarding';
    case 'EraseLead':
      // a lead on request, or the pool after the customer's erasure
      return byPool || byLead ? undefined : 'only a lead (or the pool, after the customer was erased) erases a lead';
  }
}
