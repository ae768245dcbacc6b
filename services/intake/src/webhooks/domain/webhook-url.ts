import { WEBHOOK_URL_MAX_LENGTH } from '@support/contracts';

/** What the service allows beyond https URLs with a public host name. */
export interface WebhookUrlPolicy {
  /** plain http (development, or a partner on a private network behind TLS elsewhere) */
  allowHttp: boolean;
}

/**
 * The rules of a subscription's URL that need no network: an absolute http(s) URL, https unless
 * allowed, no user name or password (a credential in a URL ends up in logs and in the public topic),
 * no fragment, at most {@link WEBHOOK_URL_MAX_LENGTH} characters. Where its host points is checked apart.
 */
export function webhookUrlProblem(url: unknown, policy: WebhookUrlPolicy, field = 'url'): string | undefined {
  const absolute = `${field} must be an absolute ${policy.allowHttp ? 'http or https' : 'https'} URL`;
  if (typeof url !== 'string' || url.trim() === '') return absolute;
  if (url.length > WEBHOOK_URL_MAX_LENGTH) return `${field} must be at most ${WEBHOOK_URL_MAX_LENGTH} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return absolute;
  }
  if (parsed.protocol !== 'https:' && !(policy.allowHttp && parsed.protocol === 'http:')) {
    return policy.allowHttp ? `${field} must be an http or https URL` : `${field} must be an https URL (plain http is not allowed here)`;
  }
  if (parsed.username !== '' || parsed.password !== '') return `${field} must not carry a user name or password: the secret signs each delivery`;
  if (parsed.hash !== '') return `${field} must not have a fragment`;
  return undefined;
}
