import { EventCatalogue } from '../catalogue/event-catalogue';
import { pointerSegments, updateAt } from './json-pointer';

/** What an erased personal value reads as, wherever it is read. */
export const ERASED = '[erased]';

const HIDDEN = '****';

/**
 * `+86 138 0013 8000` -> `+86 138 ****8000`, `13800138000` -> `138****8000`: the last four digits stay,
 * and in front only what is left beyond eight digits (country code and mobile prefix), so at least
 * four digits are always hidden; separators inside the hidden part go with it.
 */
export function maskPhone(phone: string): string {
  const digitAt = [...phone.matchAll(/\d/g)].map((match) => match.index ?? 0);
  if (digitAt.length === 0) return HIDDEN;
  const back = Math.min(4, Math.floor(digitAt.length / 2));
  const front = Math.max(0, digitAt.length - back - 4);
  // the kept front runs up to the first hidden digit, so its separator stays: `+86 138 ****8000`
  const prefix = phone.slice(0, digitAt[front]);
  const suffix = back > 0 ? phone.slice(digitAt[digitAt.length - back]) : '';
  return `${prefix}${HIDDEN}${suffix}`;
}

/** `wx_zhang12` -> `wx****12`: two characters at each end, one for short ids, none for very short ones */
export function maskWechat(wechat: string): string {
  const chars = [...wechat];
  const kept = chars.length >= 6 ? 2 : chars.length >= 3 ? 1 : 0;
  return kept === 0 ? HIDDEN : `${chars.slice(0, kept).join('')}${HIDDEN}${chars.slice(-kept).join('')}`;
}

/** `王女士` -> `王*`, `Zhang Wei` -> `Z*`: the first character only */
export function maskName(name: string): string {
  return `${[...name][0] ?? ''}*`;
}

/**
 * One personal value masked the way its field calls for: phone, WeChat id and name (`name`, or a field
 * ending in `Name` such as `signerName`) by their own rule, anything else hidden whole. An erased value
 * stays `[erased]`: there is nothing left to mask.
 */
export function maskPersonalValue(pointer: string, value: unknown): unknown {
  if (value === ERASED) return value;
  if (typeof value !== 'string') return HIDDEN;
  const field = pointerSegments(pointer).pop() ?? '';
  const lower = field.toLowerCase();
  if (lower === 'phone') return maskPhone(value);
  if (lower === 'wechat') return maskWechat(value);
  if (lower === 'name' || field.endsWith('Name')) return maskName(value);
  return HIDDEN;
}

/** `data` with the value at each pointer masked (absent ones stay absent); the original is not touched. */
export function maskAt(data: unknown, pointers: readonly string[]): unknown {
  return pointers.reduce((masked, pointer) => updateAt(masked, pointer, (value) => maskPersonalValue(pointer, value)), data);
}

/** An event's data as an analyst reads it: every field its catalogue entry marks as `personalData` masked. */
export function maskPersonalData(catalogue: EventCatalogue, type: string, data: unknown): unknown {
  return maskAt(data, catalogue.definition(type).personalData ?? []);
}

/** `data` with the value at each pointer replaced by `[erased]` (absent ones stay absent), in a copy. */
export function eraseAt(data: unknown, pointers: readonly string[]): unknown {
  return pointers.reduce((erased, pointer) => updateAt(erased, pointer, () => ERASED), data);
}
