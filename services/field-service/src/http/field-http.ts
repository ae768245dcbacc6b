import { BadRequestException } from '@nestjs/common';
import { refusalToHttp } from '@support/service-kit';
import { CommandOutcome } from '@support/command-handling';

/** members who work visits and sheets (contractors only on tickets dispatched to them) */
export const FIELD_WORKERS = ['lead', 'senior', 'agent', 'contractor'] as const;
export const FIELD_READERS = [...FIELD_WORKERS, 'analyst', 'service'] as const;

/** the answer to a visit or sheet command: its id, new status and version, or the refusal as HTTP */
export function commandAnswer(id: string, outcome: CommandOutcome<{ status: string }>) {
  if (!outcome.ok) return refusalToHttp(outcome);
  return { id, status: outcome.entity.status, version: outcome.version };
}

export function optionalDate(field: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new BadRequestException([`${field} must be an ISO 8601 date-time`]);
  return date;
}
