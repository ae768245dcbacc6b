import { leadCaptured, leadConverted, personalDataOfEvents, personalDataSeenBy, Role } from '@support/contracts';
import { LeadView } from '../persistence/lead-pool.repository';

// what each role reads of leads, after the scope check (pure): analysts see the prospect's data masked,
// everyone else reads it all. The view keeps the captured event's fields where the event has them, and
// the conversion's customer under `ticketCause` (see evolveLead).
const LEAD_VIEW_PERSONAL_DATA = [...personalDataOfEvents([leadCaptured]), ...personalDataOfEvents([leadConverted], '/ticketCause')];

/** A lead as its reader sees it: an analyst's without the clear handle, contact or converted customer. */
export function leadSeenBy<Lead extends LeadView>(role: Role, lead: Lead): Lead {
  return personalDataSeenBy(role, lead, LEAD_VIEW_PERSONAL_DATA);
}
