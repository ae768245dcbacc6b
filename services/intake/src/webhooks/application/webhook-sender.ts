/** What the partner's endpoint answered, or why it did not. */
export interface SendResult {
  statusCode: number | null;
  error: string | null;
  delivered: boolean;
}

const USER_AGENT = 'support-ops-webhooks/1';

/**
 * POSTs one delivery: 2xx is delivered, anything else (a redirect too: it is not followed, the target
 * was checked, its redirect was not) is a failure to retry. The whole exchange has `timeoutMs`.
 */
export async function sendDelivery(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<SendResult> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': USER_AGENT },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // the answer's body is not needed: drop it rather than read an endpoint's arbitrary output
    await response.body?.cancel();
    const delivered = response.status >= 200 && response.status < 300;
    return { statusCode: response.status, error: delivered ? null : `answered ${response.status}`, delivered };
  } catch (error) {
    return { statusCode: null, error: describe(error, timeoutMs), delivered: false };
  }
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${(error as Error).message}: ${detail}` : error instanceof Error ? error.message : String(error);
}
