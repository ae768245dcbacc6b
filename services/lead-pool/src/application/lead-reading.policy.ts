import { personalDataSeenBy, Role } from '@support/contracts';
import { LEAD_PERSONAL_DATA } from '../domain';
import { LeadView } from '../persistence/lead-pool.repository';

// what each role reads of leads, after the scope check (pure): analysts see the prospect's data masked,
// everyone else reads it all

/** A lead as its reader sees it: an analyst's without the clear handle, contact or converted customer. */
export function leadSeenBy<Lead extends LeadView>(role: Role, lead: Lead): Lead {
  return personalDataSeenBy(role, lead, LEAD_PERSONAL_DATA);
}
