// reporting weeks are the contracts library's (lead-pool's ledger uses the same ones)
export { isoWeekOf, IsoWeek, TEAM_TIME_ZONE } from '@support/contracts';
