import { createHmac } from 'node:crypto';
import { ERASED, LeadContact } from '@support/contracts';
import { ContactDigests } from '../persistence/lead-pool.repository';

/** what the key of the contact index is derived for (KeyEncryptionKey.derive) */
export const CONTACT_INDEX_PURPOSE = 'lead-pool contact index';

/**
 * The keyed blind index of contacts (HMAC-SHA256): equal values give equal digests, so duplicates and
 * hoarding are found as before, and a copy of the table tells nothing without the key. Values are taken
 * exactly as written, as the matching always did; an erased value has no digest.
 */
export class ContactIndex {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('the contact index key must be at least 32 bytes');
  }

  of(contact: Partial<Record<keyof LeadContact, unknown>>): ContactDigests {
    return { ...this.digest('phone', contact.phone), ...this.digest('wechat', contact.wechat) };
  }

  // the kind is hashed too: a phone never matches a WeChat id that reads the same
  private digest(kind: keyof LeadContact, value: unknown): ContactDigests {
    if (typeof value !== 'string' || value === '' || value === ERASED) return {};
    return { [kind]: createHmac('sha256', this.key).update(`${kind}:${value}`).digest() };
  }
}
