/**
 * Polls `probe` until it returns something other than undefined / null / false, and returns that.
 * On timeout the error names `what` and the last value `describe` made of the probe's state.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  options: { timeoutMs?: number; intervalMs?: number; describe?: () => Promise<unknown> } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) {
      const state = options.describe ? await options.describe().catch((e) => `(describe failed: ${e})`) : undefined;
      throw new Error(`timed out after ${options.timeoutMs ?? 15_000} ms waiting for ${what}${state === undefined ? '' : `; last state: ${JSON.stringify(state)}`}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/** fetch with a JSON body; `json()` is typed loosely because tests assert on the shape */
export async function jsonRequest(url: string, token: string | null, method: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return response as Omit<Response, 'json'> & { json(): Promise<any> };
}

/** One page of a list as the services answer it (API.md "lists"). */
export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Every item of a paged list: `readPage` fetches `path` with `limit=200` and each `nextCursor` in turn,
 * and answers the page's JSON body. For tests that look for their item among everyone's.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function everyItem<T = any>(path: string, readPage: (path: string) => Promise<ListPage<T>>): Promise<T[]> {
  const items: T[] = [];
  for (let cursor: string | null | undefined; cursor !== null;) {
    const page = await readPage(`${path}${path.includes('?') ? '&' : '?'}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (!Array.isArray(page?.items)) throw new Error(`${path} answered no page: ${JSON.stringify(page)}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  }
  return items;
}
