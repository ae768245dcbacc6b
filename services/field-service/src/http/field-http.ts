import { BadRequestException } from '@nestjs/common';

/** members who work visits and sheets (contractors only on tickets dispatched to them) */
export const FIELD_WORKERS = ['lead', 'senior', 'agent', 'contractor'] as const;
export const FIELD_READERS = [...FIELD_WORKERS, 'analyst', 'service'] as const;

export function optionalDate(field: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new BadRequestException([`${field} must be an ISO 8601 date-time`]);
  return date;
}
