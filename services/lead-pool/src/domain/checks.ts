import { LeadContact, LeadSource } from '@support/contracts';
import { optional, text, validDate } from '@support/decider';

// the deciders' value checks come from the decider library; these are the lead pool's own
export { blank, invalid, isBlank, notUuid, oneOf, optional, text, validDate, without } from '@support/decider';

/** The lead events' maxLength limits, so that a value the decider accepts is one the catalogue accepts. */
export const LIMITS = {
  memberId: 100,
  platform: 50,
  account: 200,
  customerHandle: 200,
  phone: 40,
  wechat: 64,
  note: 2000,
  reason: 2000,
  customerName: 200,
  deviceModel: 200,
  problem: 10_000,
} as const;

export function atProblem(at: unknown): string | undefined {
  return validDate(at) ? undefined : 'at must be a valid date';
}

/** An integer from `min` to `max`. */
export function integerIn(value: unknown, field: string, min: number, max: number): string | undefined {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max ? undefined : `${field} must be an integer from ${min} to ${max}`;
}

/** A whole number from 1 (a version). */
export function positiveInteger(value: unknown, field: string): string | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 1 ? undefined : `${field} must be a whole number from 1`;
}

export function memberIdProblem(value: unknown, field: string): string | undefined {
  return text(value, field, LIMITS.memberId);
}

/** A phone or a WeChat id, or both: duplicates are merged by these, so a lead without one is useless. */
export function contactProblem(contact: Partial<LeadContact> | undefined, field: string): string | undefined {
  if (!contact || typeof contact !== 'object') return `${field} is required`;
  if (contact.phone === undefined && contact.wechat === undefined) return `${field} must have a phone or a wechat id`;
  return (
    (contact.phone === undefined ? undefined : text(contact.phone, `${field}.phone`, LIMITS.phone)) ??
    (contact.wechat === undefined ? undefined : text(contact.wechat, `${field}.wechat`, LIMITS.wechat))
  );
}

export function sourceProblem(source: LeadSource | undefined): string | undefined {
  if (!source || typeof source !== 'object') return 'source is required';
  return memberIdProblem(source.memberId, 'source.memberId') ?? text(source.platform, 'source.platform', LIMITS.platform) ?? text(source.account, 'source.account', LIMITS.account);
}

/** An optional text: absent is fine, given must be non-blank and short enough. */
export function optionalText(value: unknown, field: string, max: number): string | undefined {
  return value === undefined ? undefined : text(value, field, max);
}

/** Exactly the schema's fields of a contact, whatever else the input carries. */
export function contactOf(contact: LeadContact): LeadContact {
  return { ...optional('phone', contact.phone), ...optional('wechat', contact.wechat) };
}

export function sourceOf(source: LeadSource): LeadSource {
  return { memberId: source.memberId, platform: source.platform, account: source.account };
}
