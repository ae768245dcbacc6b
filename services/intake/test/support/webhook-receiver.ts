import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request as the receiver saw it, with whether its signature verified under the secret it holds. */
export interface ReceivedWebhook {
  path: string;
  webhookId: string;
  timestamp: string;
  signature: string;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  verified: boolean;
  /** what it answered: a status, or `closed` (the connection dropped without an answer) */
  answered: number | 'closed';
}

/** What the receiver does with a request: answer a status, or drop the connection. */
export type Answer = number | 'close';

/**
 * A partner's endpoint on 127.0.0.1: verifies every request's Standard Webhooks signature with the
 * secret of its path (the standardwebhooks package, as a partner would), and answers as the test says.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly secrets = new Map<string, string>();
  private server?: Server;
  private port = 0;

  constructor(private answer: (request: Omit<ReceivedWebhook, 'answered'>) => Answer = () => 200) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** the secret (whsec_...) deliveries to `path` must be signed with */
  trust(path: string, secret: string): void {
    this.secrets.set(path, secret);
  }

  answerWith(answer: (request: Omit<ReceivedWebhook, 'answered'>) => Answer): void {
    this.answer = answer;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    const headers = { 'webhook-id': header(req, 'webhook-id'), 'webhook-timestamp': header(req, 'webhook-timestamp'), 'webhook-signature': header(req, 'webhook-signature') };
    const secret = this.secrets.get(path);
    let verified = false;
    try {
      verified = secret !== undefined && new Webhook(secret).verify(body, headers) !== undefined;
    } catch {
      verified = false;
    }
    const request = { path, webhookId: headers['webhook-id'], timestamp: headers['webhook-timestamp'], signature: headers['webhook-signature'], body, json: parse(body), verified };
    const answer = this.answer(request);
    this.received.push({ ...request, answered: answer === 'close' ? 'closed' : answer });
    if (answer === 'close') {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'not now');
  }
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
