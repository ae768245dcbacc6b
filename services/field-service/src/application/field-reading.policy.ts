import { personalDataOfEvents, personalDataSeenBy, Role, sheetEvents, visitEvents } from '@support/contracts';
import { SheetView, VisitView } from '../persistence/field-views.repository';

// what each role reads of visits and sheets, after the scope check (pure): analysts see the customer's
// data masked, everyone else reads it all. The views keep each event's fields where the event has them,
// so the catalogue's pointers name them in the views too.
/** where a visit's view keeps personal values */
export const VISIT_VIEW_PERSONAL_DATA = personalDataOfEvents(visitEvents);
/** where a sheet's view keeps personal values */
export const SHEET_VIEW_PERSONAL_DATA = personalDataOfEvents(sheetEvents);

/** A visit as its reader sees it: an analyst's without the clear address, site location or signer name. */
export function visitSeenBy(role: Role, visit: VisitView): VisitView {
  return personalDataSeenBy(role, visit, VISIT_VIEW_PERSONAL_DATA);
}

/** A service sheet as its reader sees it: an analyst's without the customer's clear name and contact, or the signer's name. */
export function sheetSeenBy(role: Role, sheet: SheetView): SheetView {
  return personalDataSeenBy(role, sheet, SHEET_VIEW_PERSONAL_DATA);
}
