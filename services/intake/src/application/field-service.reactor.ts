import { Optional } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Actor, eventCatalogue, SheetEvent, SHEETS_TOPIC, VisitEvent, VISITS_TOPIC } from '@support/contracts';
import { ConsumedEvent, EventContext, EventHandlers } from '@support/messaging';
import { RecordFieldServiceStep, TicketCommandInput } from '../domain';
import { TicketViewRepository } from '../persistence/ticket-view.repository';
import { causedBy } from './reaction-cause';
import { ConcurrentTicketChange } from './routing-decision.reactor';
import { TicketCommands } from './ticket-commands.service';

type StepInput = Omit<RecordFieldServiceStep, 'ticketId' | 'actor' | 'at'>;

/** a work-log entry's first characters: the history stays compact, the whole entry stays in the visit's history */
export const WORK_LOG_NOTE_LENGTH = 280;

/**
 * What intake does with each field-service event: move the ticket (booked, technician on site,
 * resolved on site) or record the step in its history. Every step is recorded, work-log entries and
 * sheet drafts and revisions included, compactly: a short note, never the sheet's contents or the
 * signature image (those stay with field-service). Null only for a type field-service does not publish.
 */
export function ticketCommandForFieldService(event: { type: string; data: unknown; time: string }): TicketCommandInput | null {
  const fieldEvent = { type: event.type, data: event.data } as VisitEvent | SheetEvent;
  // the step's own time where the event has one, else when field-service published it
  const happened = (at?: string) => new Date(at ?? event.time);
  const step = (fields: Omit<StepInput, 'type'>): StepInput => ({ type: 'RecordFieldServiceStep', ...fields });
  switch (fieldEvent.type) {
    case 'support.visit.requested.v1': {
      const { visitId, reason } = fieldEvent.data;
      return step({ step: 'visit-requested', visitId, stepAt: happened(), note: reason });
    }
    case 'support.visit.scheduled.v1': {
      const { visitId, appointmentAt } = fieldEvent.data;
      return { type: 'ScheduleOnSite', visitId, appointmentAt: new Date(appointmentAt) };
    }
    case 'support.visit.rescheduled.v1': {
      const { visitId, reason } = fieldEvent.data;
      return step({ step: 'visit-rescheduled', visitId, stepAt: happened(), note: reason });
    }
    case 'support.visit.prepared.v1': {
      const { visitId, preparedAt } = fieldEvent.data;
      return step({ step: 'visit-prepared', visitId, stepAt: happened(preparedAt) });
    }
    case 'support.visit.checked-in.v1': {
      const { visitId, arrivedAt } = fieldEvent.data;
      return { type: 'TechnicianOnSite', visitId, arrivedAt: new Date(arrivedAt) };
    }
    case 'support.visit.work-logged.v1': {
      const { visitId, entry, loggedAt } = fieldEvent.data;
      return step({ step: 'visit-work-logged', visitId, stepAt: happened(loggedAt), note: shortened(entry, WORK_LOG_NOTE_LENGTH) });
    }
    case 'support.visit.completed.v1':
      return { type: 'Resolve', resolution: fieldEvent.data.workDone, remote: false };
    case 'support.visit.signed.v1': {
      // the hash only: the signature image stays with field-service
      const { visitId, signedAt, signature } = fieldEvent.data;
      return step({ step: 'visit-signed', visitId, stepAt: happened(signedAt), signatureSha256: signature.sha256 });
    }
    case 'support.visit.cancelled.v1': {
      const { visitId, reason } = fieldEvent.data;
      return step({ step: 'visit-cancelled', visitId, stepAt: happened(), note: reason });
    }
    case 'support.sheet.drafted.v1': {
      const { sheetId, visitId, kind, author } = fieldEvent.data;
      return step({ step: 'sheet-drafted', sheetId, visitId, stepAt: happened(), note: `${kind} sheet by ${author.id}` });
    }
    case 'support.sheet.revised.v1': {
      const { sheetId, visitId } = fieldEvent.data;
      return step({ step: 'sheet-revised', sheetId, visitId, stepAt: happened() });
    }
    case 'support.sheet.submitted.v1': {
      const { sheetId, visitId, submittedAt } = fieldEvent.data;
      return step({ step: 'sheet-submitted', sheetId, visitId, stepAt: happened(submittedAt) });
    }
    case 'support.sheet.approved.v1': {
      const { sheetId, visitId, note } = fieldEvent.data;
      return step({ step: 'sheet-approved', sheetId, visitId, stepAt: happened(), note });
    }
    case 'support.sheet.rejected.v1': {
      const { sheetId, visitId, reason } = fieldEvent.data;
      return step({ step: 'sheet-rejected', sheetId, visitId, stepAt: happened(), note: reason });
    }
    case 'support.sheet.archived.v1': {
      const { sheetId, visitId } = fieldEvent.data;
      return step({ step: 'sheet-archived', sheetId, visitId, stepAt: happened() });
    }
    default:
      return null;
  }
}

/**
 * Turns field-service's visit and service-sheet events into ticket events, with the field-service
 * event's id and time as causation, so the ticket's history shows every field-service step. Visits
 * and sheets are two topics: steps are recorded as they arrive (in order within one visit, within one
 * sheet, not across them); `?order=occurred` on the history reads them in field-service's order. A
 * visit booked while the ticket cannot go on site (a second visit, say) is still recorded, as a
 * reschedule; any other refusal drops the event (it no longer applies), except a race, which the
 * consumer retries.
 */
@EventHandlers()
export class FieldServiceReactor {
  constructor(
    private readonly commands: TicketCommands,
    private readonly views: TicketViewRepository,
    @Optional() private readonly onDropped: (event: ConsumedEvent, reason: string) => void = () => undefined,
  ) {}

  @EventPattern(eventCatalogue.typesOn(VISITS_TOPIC, SHEETS_TOPIC), { group: 'field-service' })
  async handle(@Payload() event: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    const command = ticketCommandForFieldService(event);
    if (!command) return;
    const { ticketId } = event.data as { ticketId: string };
    const actor: Actor = { id: event.source, role: 'service' };
    // decided as of field-service's time, not ours: an event consumed late (or across clocks that
    // differ) must not turn a booking into "an appointment in the past" or an arrival "in the future"
    const decidedAt = (now: Date) => (Number.isNaN(Date.parse(event.time)) ? now : new Date(event.time));
    const run = (input: TicketCommandInput) =>
      this.commands.executeIn(manager, ticketId, (now) => ({ ...input, ticketId, actor, at: decidedAt(now) }), { actor, ...causedBy(event) });

    let outcome = await run(command);
    if (!outcome.ok && outcome.code === 'illegal-transition' && command.type === 'ScheduleOnSite') {
      const stage = (await this.views.get(manager, ticketId))?.state ?? 'in another stage';
      outcome = await run({
        type: 'RecordFieldServiceStep',
        step: 'visit-rescheduled',
        visitId: command.visitId,
        stepAt: new Date(event.time),
        note: `scheduled while the ticket was ${stage}`,
      });
    }
    // someone changed the ticket between our read and our append: the consumer retries the event
    if (!outcome.ok && outcome.code === 'version-conflict') throw new ConcurrentTicketChange(outcome.reason);
    if (!outcome.ok) this.onDropped(event, outcome.reason);
  }
}

/** at most `length` characters (code points, so no emoji is cut in half), with an ellipsis when cut */
function shortened(text: string, length: number): string {
  const characters = Array.from(text);
  return characters.length <= length ? text : `${characters.slice(0, length - 1).join('')}…`;
}
