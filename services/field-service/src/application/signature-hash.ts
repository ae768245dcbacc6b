import { createHash } from 'node:crypto';

/** The sha256 (hex) of a signature image's bytes, given as base64: what the signed event stores and verification recomputes. */
export function signatureSha256(imageBase64: string): string {
  return createHash('sha256').update(Buffer.from(imageBase64, 'base64')).digest('hex');
}
