import { Actor, LeadEvent, LeadPolicyEvent, LeadRatio, SlaEvent, TicketEvent } from '@support/contracts';
import { IsoWeek, isoWeekOf, TEAM_TIME_ZONE } from './iso-week';

// the weekly figures management looks at (DOMAIN.md "What management looks at"), folded from events.
// the fold must not depend on how topics interleave, only on the order within each aggregate: a ticket's
// own facts are attributed as they come (ticket order), while an sla clock's outcome is attributed to the
// ticket's assignee at the outcome's time only when a report is asked for, when the whole ticket is known.

/** An event as the dashboard consumes it: the domain event with its id, when it happened (ISO) and who did it. */
export type KpiEvent = (TicketEvent | SlaEvent | LeadEvent | LeadPolicyEvent) & { id: string; time: string; actor: Actor };

/** The sla rule whose clock measures the response (first contact within the SLA). */
export const FIRST_CONTACT_RULE = 'first-contact';

/** One week's figures of the team or of one member; a rate is null when it has nothing to divide by. */
export interface Figures {
  /** distinct tickets assigned (assigned, dispatched to a contractor, or escalated to them) in the week */
  assigned: number;
  /** first-contact clocks met within target / all first-contact clocks decided in the week */
  responseRate: number | null;
  /** resolutions (support.ticket.resolved.v1) in the week */
  resolved: number;
  /** resolved / assigned */
  resolutionRate: number | null;
  /** share of the resolutions that were remote, first-time, with no escalation and no on-site visit before */
  firstContactResolution: number | null;
  /** average satisfaction (1-5) of the feedback given in the week */
  csat: number | null;
  feedbackCount: number;
  /** escalations away from the member (for the team: all of them) */
  escalations: number;
  /** sla clocks of the member's tickets that breached in the week */
  breaches: number;
}

/** One rule's SLA compliance over a week: clocks met within target versus breached (or met late). */
export interface RuleCompliance {
  ruleId: string;
  met: number;
  breached: number;
  compliance: number | null;
}

/**
 * One member's leads in a week against the preset ratios: `expectedShare` is the sum, over the week's
 * allocations, of the member's share under the ratios each was made under (its policy version); null
 * with no ratios in force.
 */
export interface LeadFigures {
  memberId: string;
  contributed: number;
  received: number;
  expectedShare: number | null;
}

/** What the support team reports for one ISO week; members and rules sorted by id. */
export interface WeeklyReport {
  week: IsoWeek;
  team: Figures;
  members: Array<{ memberId: string } & Figures>;
  slaCompliance: RuleCompliance[];
  leads: LeadFigures[];
}

// a fact of a ticket's stream, attributed when it happened
type TicketFact =
  | { kind: 'assigned'; ticketId: string; memberId: string }
  | { kind: 'resolved'; memberId?: string; firstContact: boolean }
  | { kind: 'feedback'; memberId?: string; satisfaction: number }
  | { kind: 'escalated'; memberId?: string };

interface TicketTrack {
  assignee?: string;
  // who held the ticket from when, for the clocks' outcomes
  timeline: Array<{ at: number; memberId: string }>;
  escalated: boolean;
  onSite: boolean;
  resolvedBefore: boolean;
}

// how a clock ended: met within target, met late without a breach event, or breached (whatever came after)
interface ClockOutcome {
  ruleId: string;
  ticketId?: string;
  at: number;
  kind: 'met' | 'met-late' | 'breached';
}

interface RatiosSet {
  week: IsoWeek;
  at: number;
  version: number;
  ratios: LeadRatio[];
}

interface Tally {
  tickets: Set<string>;
  inTime: number;
  late: number;
  resolved: number;
  firstContact: number;
  satisfaction: number;
  feedbackCount: number;
  escalations: number;
  breaches: number;
}

const emptyTally = (): Tally => ({ tickets: new Set(), inTime: 0, late: 0, resolved: 0, firstContact: 0, satisfaction: 0, feedbackCount: 0, escalations: 0, breaches: 0 });
const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const round2 = (value: number) => Math.round(value * 100) / 100;
const byId = <T extends { memberId: string }>(a: T, b: T) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function bump<K>(map: Map<IsoWeek, Map<K, number>>, week: IsoWeek, key: K, by: number): void {
  const counts = map.get(week) ?? new Map<K, number>();
  counts.set(key, (counts.get(key) ?? 0) + by);
  map.set(week, counts);
}

/**
 * The weekly KPIs folded from the events the dashboard consumes (tickets, sla clocks, leads, lead
 * ratios), in any interleaving of the topics as long as each aggregate's own order is kept. `apply`
 * ignores event types it does not use and an event id it has already seen (redelivery). A class rather
 * than an evolve function: copying every ticket's state on each event would make the fold quadratic.
 */
export class WeeklyKpis {
  private readonly seen = new Set<string>();
  private readonly tickets = new Map<string, TicketTrack>();
  private readonly ticketFacts = new Map<IsoWeek, TicketFact[]>();
  private readonly decidedClocks = new Set<string>();
  private readonly clockOutcomes = new Map<IsoWeek, ClockOutcome[]>();
  private readonly contributed = new Map<IsoWeek, Map<string, number>>();
  private readonly received = new Map<IsoWeek, Map<string, number>>();
  // the allocation a lead is under now, so a return undoes it in the week it was made
  private readonly allocations = new Map<string, { memberId: string; week: IsoWeek; policyVersion: number }>();
  // the allocations standing in each week per version of the ratios they were made under
  private readonly allocatedUnder = new Map<IsoWeek, Map<number, number>>();
  private readonly ratioSets: RatiosSet[] = [];

  constructor(private readonly timeZone = TEAM_TIME_ZONE) {}

  /** Folds one event in; returns this, for chaining. */
  apply(event: KpiEvent): this {
    if (this.seen.has(event.id)) return this;
    this.seen.add(event.id);
    const at = Date.parse(event.time);
    const week = isoWeekOf(new Date(at), this.timeZone);
    if (event.type.startsWith('support.ticket.')) this.applyTicket(event as TicketEvent, at, week);
    else if (event.type.startsWith('support.sla.')) this.applyClock(event as SlaEvent, at, week);
    else this.applyLead(event as LeadEvent | LeadPolicyEvent, at, week);
    return this;
  }

  private ticket(ticketId: string): TicketTrack {
    let track = this.tickets.get(ticketId);
    if (!track) {
      track = { timeline: [], escalated: false, onSite: false, resolvedBefore: false };
      this.tickets.set(ticketId, track);
    }
    return track;
  }

  private applyTicket(event: TicketEvent, at: number, week: IsoWeek): void {
    const track = this.ticket(event.data.ticketId);
    const fact = (value: TicketFact) => push(this.ticketFacts, week, value);
    switch (event.type) {
      case 'support.ticket.escalated.v1':
      case 'support.ticket.assigned.v1':
      case 'support.ticket.dispatched-to-contractor.v1': {
        // an escalation counts against who held the ticket, and as an assignment to the new assignee
        if (event.type === 'support.ticket.escalated.v1') {
          fact({ kind: 'escalated', memberId: track.assignee });
          track.escalated = true;
        }
        const memberId = event.data.assignee.id;
        fact({ kind: 'assigned', ticketId: event.data.ticketId, memberId });
        track.assignee = memberId;
        track.timeline.push({ at, memberId });
        return;
      }
      case 'support.ticket.on-site-scheduled.v1':
      case 'support.ticket.technician-on-site.v1':
        track.onSite = true;
        return;
      case 'support.ticket.resolved.v1':
        // a resolution after a reopen is not a first-time fix
        fact({ kind: 'resolved', memberId: track.assignee, firstContact: event.data.remote && !track.escalated && !track.onSite && !track.resolvedBefore });
        track.resolvedBefore = true;
        return;
      case 'support.ticket.feedback-given.v1':
        fact({ kind: 'feedback', memberId: track.assignee, satisfaction: event.data.satisfaction });
        return;
    }
  }

  private applyClock(event: SlaEvent, at: number, week: IsoWeek): void {
    const { clockId, ruleId, ticketId } = event.data;
    // a clock counts once, by what decided it first: a breach stays a breach when it is met late after
    if (this.decidedClocks.has(clockId)) return;
    let kind: ClockOutcome['kind'];
    if (event.type === 'support.sla.clock-breached.v1') kind = 'breached';
    else if (event.type === 'support.sla.clock-met.v1') kind = event.data.withinTarget ? 'met' : 'met-late';
    else return;
    this.decidedClocks.add(clockId);
    push(this.clockOutcomes, week, { ruleId, ticketId, at, kind });
  }

  private applyLead(event: LeadEvent | LeadPolicyEvent, at: number, week: IsoWeek): void {
    switch (event.type) {
      case 'support.lead.captured.v1':
        bump(this.contributed, week, event.data.source.memberId, 1);
        return;
      case 'support.lead.allocated.v1':
        bump(this.received, week, event.data.memberId, 1);
        bump(this.allocatedUnder, week, event.data.policyVersion, 1);
        this.allocations.set(event.data.leadId, { memberId: event.data.memberId, week, policyVersion: event.data.policyVersion });
        return;
      case 'support.lead.returned.v1': {
        const allocation = this.allocations.get(event.data.leadId);
        if (allocation?.memberId !== event.data.memberId) return;
        bump(this.received, allocation.week, allocation.memberId, -1);
        bump(this.allocatedUnder, allocation.week, allocation.policyVersion, -1);
        this.allocations.delete(event.data.leadId);
        return;
      }
      case 'support.lead.ratios-set.v1':
        this.ratioSets.push({ week, at, version: event.data.version, ratios: event.data.ratios });
        return;
    }
  }

  // the ticket's assignee at an instant: the last assignment at or before it
  private assigneeAt(ticketId: string | undefined, at: number): string | undefined {
    const timeline = ticketId === undefined ? undefined : this.tickets.get(ticketId)?.timeline;
    let memberId: string | undefined;
    for (const step of timeline ?? []) if (step.at <= at) memberId = step.memberId;
    return memberId;
  }

  /** The report of one ISO week (e.g. `2026-W48`) from what has been applied so far. */
  report(week: IsoWeek): WeeklyReport {
    const team = emptyTally();
    const members = new Map<string, Tally>();
    // a fact counts for the team, and for the member when there is one
    const tallies = (memberId: string | undefined): Tally[] => {
      if (memberId === undefined) return [team];
      let tally = members.get(memberId);
      if (!tally) members.set(memberId, (tally = emptyTally()));
      return [team, tally];
    };

    for (const fact of this.ticketFacts.get(week) ?? []) {
      for (const tally of tallies(fact.memberId)) {
        if (fact.kind === 'assigned') tally.tickets.add(fact.ticketId);
        else if (fact.kind === 'escalated') tally.escalations += 1;
        else if (fact.kind === 'feedback') {
          tally.satisfaction += fact.satisfaction;
          tally.feedbackCount += 1;
        } else {
          tally.resolved += 1;
          if (fact.firstContact) tally.firstContact += 1;
        }
      }
    }

    const rules = new Map<string, { met: number; breached: number }>();
    for (const outcome of this.clockOutcomes.get(week) ?? []) {
      const rule = rules.get(outcome.ruleId) ?? { met: 0, breached: 0 };
      rules.set(outcome.ruleId, rule);
      if (outcome.kind === 'met') rule.met += 1;
      else rule.breached += 1;
      // a clock of no ticket (or of one never assigned) counts for compliance only
      if (outcome.ticketId === undefined) continue;
      for (const tally of tallies(this.assigneeAt(outcome.ticketId, outcome.at))) {
        if (outcome.ruleId === FIRST_CONTACT_RULE) {
          if (outcome.kind === 'met') tally.inTime += 1;
          else tally.late += 1;
        }
        if (outcome.kind === 'breached') tally.breaches += 1;
      }
    }

    return {
      week,
      team: figuresOf(team),
      members: [...members].map(([memberId, tally]) => ({ memberId, ...figuresOf(tally) })).sort(byId),
      slaCompliance: [...rules]
        .map(([ruleId, { met, breached }]) => ({ ruleId, met, breached, compliance: ratio(met, met + breached) }))
        .sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)),
      leads: this.leadsOf(week),
    };
  }

  private leadsOf(week: IsoWeek): LeadFigures[] {
    // the ratios in force at the end of the week: the last set in or before it (who is listed)
    const inForce = this.ratioSets
      .filter((set) => set.week <= week)
      .reduce<RatiosSet | undefined>((last, set) => (!last || set.at > last.at || (set.at === last.at && set.version > last.version) ? set : last), undefined);
    const contributed = this.contributed.get(week) ?? new Map<string, number>();
    const received = this.received.get(week) ?? new Map<string, number>();
    const expected = this.expectedShares(week);

    const nonZero = (counts: Map<string, number>) => [...counts].filter(([, n]) => n !== 0).map(([id]) => id);
    const memberIds = new Set([...(inForce?.ratios ?? []).map((r) => r.memberId), ...nonZero(contributed), ...nonZero(received), ...nonZero(expected)]);
    const known = inForce !== undefined || expected.size > 0;
    return [...memberIds]
      .map((memberId) => ({
        memberId,
        contributed: contributed.get(memberId) ?? 0,
        received: received.get(memberId) ?? 0,
        expectedShare: known ? round2(expected.get(memberId) ?? 0) : null,
      }))
      .sort(byId);
  }

  // each member's share of the week's allocations, each under the version of the ratios it was made
  // under (not the ratios in force when the report is read); a version not seen counts for nobody
  private expectedShares(week: IsoWeek): Map<string, number> {
    const expected = new Map<string, number>();
    for (const [version, allocations] of this.allocatedUnder.get(week) ?? []) {
      const ratios = this.ratioSets.find((set) => set.version === version)?.ratios ?? [];
      const total = ratios.reduce((sum, r) => sum + r.weight, 0);
      if (total === 0 || allocations === 0) continue;
      for (const { memberId, weight } of ratios) expected.set(memberId, (expected.get(memberId) ?? 0) + (allocations * weight) / total);
    }
    return expected;
  }
}

function figuresOf(tally: Tally): Figures {
  const assigned = tally.tickets.size;
  return {
    assigned,
    responseRate: ratio(tally.inTime, tally.inTime + tally.late),
    resolved: tally.resolved,
    resolutionRate: ratio(tally.resolved, assigned),
    firstContactResolution: ratio(tally.firstContact, tally.resolved),
    csat: ratio(tally.satisfaction, tally.feedbackCount),
    feedbackCount: tally.feedbackCount,
    escalations: tally.escalations,
    breaches: tally.breaches,
  };
}

/** A member's line with their name from the roster: null when the dashboard has not seen them registered. */
export type Named<T extends { memberId: string }> = { memberId: string; name: string | null } & Omit<T, 'memberId'>;

/** The weekly report as the dashboard serves it: every member line named. */
export interface NamedWeeklyReport extends Omit<WeeklyReport, 'members' | 'leads'> {
  members: Array<Named<WeeklyReport['members'][number]>>;
  leads: Array<Named<LeadFigures>>;
}

/** Names every member line of the report from the roster's names (by member id). */
export function withMemberNames(report: WeeklyReport, names: ReadonlyMap<string, string>): NamedWeeklyReport {
  const named = <T extends { memberId: string }>({ memberId, ...rest }: T) => ({ memberId, name: names.get(memberId) ?? null, ...rest });
  return { ...report, members: report.members.map(named), leads: report.leads.map(named) };
}

/** The report of one ISO week from a list of events (a fresh fold; see `WeeklyKpis`). */
export function weeklyReport(events: Iterable<KpiEvent>, week: IsoWeek, timeZone = TEAM_TIME_ZONE): WeeklyReport {
  const kpis = new WeeklyKpis(timeZone);
  for (const event of events) kpis.apply(event);
  return kpis.report(week);
}
