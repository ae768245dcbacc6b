import { MAX_SIGNATURE_BYTES, SignatureMediaType } from '@support/contracts';
import { signatureSha256 } from '../application/signature-hash';

// the first bytes of each accepted image format
const MAGIC: Record<SignatureMediaType, number[]> = {
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'image/jpeg': [0xff, 0xd8, 0xff],
};
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Checks a signature image as sent (base64 of a PNG or JPEG of at most 256 KiB) and hashes its bytes. */
export function checkSignatureImage(imageBase64: string, mediaType: SignatureMediaType): { ok: true; sha256: string } | { ok: false; problem: string } {
  if (imageBase64.length % 4 !== 0 || !BASE64.test(imageBase64)) return { ok: false, problem: 'imageBase64 must be base64 (RFC 4648, padded)' };
  const bytes = Buffer.from(imageBase64, 'base64');
  if (bytes.length > MAX_SIGNATURE_BYTES) return { ok: false, problem: `imageBase64 must be at most ${MAX_SIGNATURE_BYTES} bytes decoded (got ${bytes.length})` };
  const magic = MAGIC[mediaType];
  if (bytes.length < magic.length || magic.some((byte, i) => bytes[i] !== byte)) return { ok: false, problem: `imageBase64 must be a ${mediaType} image` };
  return { ok: true, sha256: signatureSha256(imageBase64) };
}
