import { randomUUID } from 'node:crypto';

/** One partner request: a ticket to open, sent with one Idempotency-Key until it gets a 2xx or gives up. */
export interface PartnerRequest {
  key: string;
  /** the request's mark in the ticket's `problem`, so the ticket (if any) can be found by request */
  marker: string;
  body: unknown;
  /** status per attempt, or `network: <code>` when no response came */
  attempts: string[];
  startedAt: number;
  phase: string;
  /** the request's number in the load */
  n: number;
  /** the ticket id of the first 2xx answer */
  id?: string;
  acceptedAt?: number;
  /** the 2xx came with Idempotent-Replayed: an earlier attempt had created the ticket */
  replayed?: boolean;
  /** its first attempt had the impatient time limit */
  impatient: boolean;
  done: boolean;
}

export interface PartnerLoadOptions {
  /**
   * where to POST; several (instances of intake): request n starts at the n-th, and each retry goes to the
   * next, as behind a load balancer that takes a dead instance out
   */
  url: string | string[];
  token: string;
  /** new requests per second */
  rate: number;
  /** attempts per request, the first included */
  maxAttempts: number;
  /** wait before retry n (1-based): min(base * 2^(n-1), max) */
  backoffMs: { base: number; max: number };
  /** one attempt's time limit */
  attemptTimeoutMs: number;
  /** no new request after this many: a run slowed down by a failure must not outgrow the roster's capacity */
  maxRequests: number;
  /**
   * an impatient partner: this share of requests gives its first attempt only `timeoutMs`, so it often
   * hangs up while intake is still creating the ticket, and the retry must get the first answer back
   */
  impatient: { share: number; timeoutMs: number };
}

/** the suite's partner: 6 attempts of up to 10 s each, and one request in ten hangs up on its first after 40 ms */
export const PARTNER_HABITS = { maxAttempts: 6, attemptTimeoutMs: 10_000, impatient: { share: 0.1, timeoutMs: 40 } } satisfies Partial<PartnerLoadOptions>;

/**
 * A partner system opening tickets at a steady rate, each request with its own Idempotency-Key. A
 * request without a 2xx answer (an error status, a refused or dropped connection, a time-out) is sent
 * again, same key and body, after a back-off, up to `maxAttempts` times.
 */
export class PartnerLoad {
  readonly requests: PartnerRequest[] = [];
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  private phase = 'warm-up';
  private sequence = 0;
  private readonly runId = randomUUID().slice(0, 8);

  constructor(private readonly options: PartnerLoadOptions) {}

  /** later requests are counted under this phase */
  enterPhase(phase: string): void {
    this.phase = phase;
  }

  start(): void {
    const interval = 1000 / this.options.rate;
    let next = Date.now();
    // a self-correcting tick: the rate holds even when the event loop is busy for a while
    const tick = () => {
      const now = Date.now();
      while (next <= now && this.sequence < this.options.maxRequests) {
        this.launch();
        next += interval;
      }
      if (this.sequence >= this.options.maxRequests) return;
      this.timer = setTimeout(tick, Math.max(1, next - Date.now()));
    };
    tick();
  }

  /** stops sending new requests and waits for the ones under way (their retries included) */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** accepted requests so far */
  get acceptedCount(): number {
    return this.requests.filter((r) => r.id !== undefined).length;
  }

  private launch(): void {
    const n = this.sequence++;
    const key = `faults-${this.runId}-${n}`;
    const marker = `[${key}]`;
    const request: PartnerRequest = {
      n,
      key,
      marker,
      body: {
        channel: 'api',
        // a pool of returning customers: opening tickets for one customer concurrently is part of the load
        customer: { name: `Fault-suite customer ${n % 150}`, phone: `+86 139 ${String(10_000_000 + (n % 150)).padStart(8, '0')}` },
        deviceModel: 'Fault-injection rig',
        problem: `the rig under fault injection ${marker}`,
        urgency: n % 4 === 0 ? 'urgent' : 'normal',
      },
      attempts: [],
      impatient: n % Math.round(1 / this.options.impatient.share) === 1,
      startedAt: Date.now(),
      phase: this.phase,
      done: false,
    };
    this.requests.push(request);
    const flight = this.send(request).finally(() => {
      request.done = true;
      this.inFlight.delete(flight);
    });
    this.inFlight.add(flight);
  }

  private async send(request: PartnerRequest): Promise<void> {
    const { url, token, maxAttempts, backoffMs, attemptTimeoutMs, impatient } = this.options;
    const firstTimeoutMs = request.impatient ? impatient.timeoutMs : attemptTimeoutMs;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await sleep(Math.min(backoffMs.base * 2 ** (attempt - 2), backoffMs.max));
      try {
        const urls = typeof url === 'string' ? [url] : url;
        const response = await fetch(urls[(request.n + attempt - 1) % urls.length], {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': request.key },
          body: JSON.stringify(request.body),
          signal: AbortSignal.timeout(attempt === 1 ? firstTimeoutMs : attemptTimeoutMs),
        });
        const text = await response.text();
        const id = response.ok ? idOf(text) : undefined;
        // a 2xx without a ticket id would be a bug of its own: counted apart, and not taken as an answer
        request.attempts.push(response.ok && id === undefined ? `${response.status} without an id` : String(response.status));
        if (id !== undefined) {
          request.id = id;
          request.acceptedAt = Date.now();
          request.replayed = response.headers.get('idempotent-replayed') === 'true';
          return;
        }
      } catch (error) {
        request.attempts.push(`network: ${errorCode(error)}`);
      }
    }
  }
}

/** what a request came to, for the report */
export function loadFigures(requests: readonly PartnerRequest[]) {
  const statuses = new Map<string, number>();
  for (const r of requests) for (const a of r.attempts) statuses.set(a, (statuses.get(a) ?? 0) + 1);
  const accepted = requests.filter((r) => r.id !== undefined);
  return {
    requests: requests.length,
    httpAttempts: requests.reduce((n, r) => n + r.attempts.length, 0),
    accepted: accepted.length,
    acceptedFirstTime: accepted.filter((r) => r.attempts.length === 1).length,
    retried: requests.filter((r) => r.attempts.length > 1).length,
    acceptedAfterRetry: accepted.filter((r) => r.attempts.length > 1).length,
    acceptedAsReplay: accepted.filter((r) => r.replayed).length,
    impatientFirstAttempts: requests.filter((r) => r.impatient).length,
    neverAccepted: requests.filter((r) => r.id === undefined).length,
    attemptOutcomes: Object.fromEntries([...statuses.entries()].sort(([a], [b]) => a.localeCompare(b))),
  };
}

function idOf(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): string {
  const e = error as { name?: string; code?: unknown; cause?: { code?: string; name?: string } };
  // the attempt's own time limit (a DOMException, whose numeric code says nothing)
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  return e?.cause?.code ?? (typeof e?.code === 'string' ? e.code : undefined) ?? e?.cause?.name ?? e?.name ?? 'error';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
