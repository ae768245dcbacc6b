import { customerRegistered, eventCatalogue, ticketReceived } from '@support/contracts';

// where intake's read models keep personal data, named by the catalogue's pointers of the events they come from

/** a ticket view's customer is the received event's, copied as it is (evolveTicket): the same pointers name it */
export const TICKET_VIEW_PERSONAL_DATA: readonly string[] = ticketReceived.personalData ?? [];

/** a customer directory record has the registered event's shape */
export const CUSTOMER_RECORD_PERSONAL_DATA: readonly string[] = customerRegistered.personalData ?? [];

/** the personal-data pointers of an event type */
export function personalDataOf(type: string): readonly string[] {
  return eventCatalogue.definition(type).personalData ?? [];
}
