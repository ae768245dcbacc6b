import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Browser, chromium } from 'playwright-core';
import { serveOnFreePort, signTestTokens } from '@support/service-kit';
import { dropTestSchema, jsonRequest, ManualClock, publishEvents, serviceDatabase, serviceKafka, testInfra, uniqueSchemaName, waitFor } from '@support/test-kit';
import { dashboardService } from '../../services/dashboard/src/dashboard.app';
import { DashboardRuntime, startDashboardRuntime } from '../../services/dashboard/src/dashboard.providers';
import { CHROMIUM, CHROMIUM_ARGS } from './support/chromium';

const SECRET = 'dashboard-trends-secret-that-is-long-enough-0123456789';
const SCREENSHOT = join(__dirname, '../../docs/img/dashboard-trends.png');
// weeks no other test writes to: now is Wednesday 2034-05-17 14:30 in Shanghai (ISO week 2034-W20), so
// every figure of the charts is this test's events
const NOW = new Date('2034-05-17T06:30:00Z');
const utc = (iso: string) => new Date(`${iso}Z`);

// a ticket's life as intake and sla-monitor publish it: received, assigned, the first-contact and hand-over
// clocks' outcomes, resolved
function ticketEvents(t: { received: string; firstContact?: ['met' | 'breached', string]; handOver?: ['met' | 'breached', string]; resolved?: string }) {
  const ticketId = randomUUID();
  const ticket = (type: string, data: object, at: string) => ({ type, source: 'intake', streamId: ticketId, data: { ticketId, ...data }, occurredAt: utc(at) });
  const clock = (ruleId: string, [outcome, at]: ['met' | 'breached', string]) => {
    // a clock id of this test's own: an sla-monitor on the same broker deciding its clock of the ticket first would take its place
    const clockId = `trends:${ticketId}:${ruleId}`;
    const data =
      outcome === 'met'
        ? { at: utc(at).toISOString(), withinTarget: true, remainingMinutes: 5 }
        : { at: utc(at).toISOString(), dueAt: utc(at).toISOString(), lateByMinutes: 0, action: 'escalate' };
    return {
      type: `support.sla.clock-${outcome}.v1`,
      source: 'sla-monitor',
      streamId: clockId,
      data: { clockId, ruleId, subject: { type: 'ticket', id: ticketId }, ticketId, ...data },
      occurredAt: utc(at),
    };
  };
  const received = utc(t.received).toISOString();
  const assigned = new Date(utc(t.received).getTime() + 5 * 60_000).toISOString().slice(0, -1);
  return [
    ticket(
      'support.ticket.received.v1',
      {
        customerId: randomUUID(),
        customer: { name: '趋势测试', phone: '+86 138 0013 8000' },
        channel: 'phone',
        deviceModel: 'ThinkPad X1',
        problem: '无法开机',
        urgency: 'normal',
        requestedAt: received,
        receivedAt: received,
      },
      t.received,
    ),
    ticket('support.ticket.assigned.v1', { assignee: { id: 'm-trend', role: 'agent' }, tier: 'L1' }, assigned),
    ...(t.firstContact ? [clock('first-contact', t.firstContact)] : []),
    ...(t.handOver ? [clock('hand-over', t.handOver)] : []),
    ...(t.resolved ? [ticket('support.ticket.resolved.v1', { resolution: '更换电源', remote: true }, t.resolved)] : []),
  ];
}

// the seeded weeks, days and hours (UTC; Shanghai is 8 h ahead)
const SEEDED = [
  // 2034-W18, Monday 05-01: two tickets, one answered in time and resolved, one breached and still open
  ticketEvents({ received: '2034-05-01T02:00', firstContact: ['met', '2034-05-01T02:20'], handOver: ['met', '2034-05-01T02:06'], resolved: '2034-05-01T03:00' }),
  ticketEvents({ received: '2034-05-01T02:10', firstContact: ['breached', '2034-05-01T02:50'] }),
  // 2034-W19, Tuesday 05-09: two tickets answered in time and resolved, both handed over late
  ticketEvents({ received: '2034-05-09T02:00', firstContact: ['met', '2034-05-09T02:20'], handOver: ['breached', '2034-05-09T02:20'], resolved: '2034-05-09T04:00' }),
  ticketEvents({ received: '2034-05-09T02:10', firstContact: ['met', '2034-05-09T02:30'], handOver: ['breached', '2034-05-09T02:30'], resolved: '2034-05-09T04:10' }),
  // today (2034-W20): one received at 09:10, breached at 10:00 and resolved at 13:15; another received at 11:40, assigned
  ticketEvents({ received: '2034-05-17T01:10', firstContact: ['breached', '2034-05-17T02:00'], resolved: '2034-05-17T05:15' }),
  ticketEvents({ received: '2034-05-17T03:40' }),
];

const WEEKS = ['09', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20'].map((w) => `2034-W${w}`);
const rates = (week: string) =>
  ({
    '2034-W18': { assigned: 2, responseRate: 0.5, resolved: 1, resolutionRate: 0.5 },
    '2034-W19': { assigned: 2, responseRate: 1, resolved: 2, resolutionRate: 1 },
    '2034-W20': { assigned: 2, responseRate: 0, resolved: 1, resolutionRate: 0.5 },
  })[week] ?? { assigned: 0, responseRate: null, resolved: 0, resolutionRate: null };
const compliance = (week: string) =>
  ({
    '2034-W18': [
      { ruleId: 'first-contact', met: 1, breached: 1, compliance: 0.5 },
      { ruleId: 'hand-over', met: 1, breached: 0, compliance: 1 },
    ],
    '2034-W19': [
      { ruleId: 'first-contact', met: 2, breached: 0, compliance: 1 },
      { ruleId: 'hand-over', met: 0, breached: 2, compliance: 0 },
    ],
    '2034-W20': [
      { ruleId: 'first-contact', met: 0, breached: 1, compliance: 0 },
      { ruleId: 'hand-over', met: 0, breached: 0, compliance: null },
    ],
  })[week] ?? [
    { ruleId: 'first-contact', met: 0, breached: 0, compliance: null },
    { ruleId: 'hand-over', met: 0, breached: 0, compliance: null },
  ];
// from 15:00 yesterday to now, on the team's clock: the ticket of 2034-W18 still open, then today's
const DEPTHS = [...Array<number>(18).fill(1), 2, 2, 3, 3, 2, 2];
// 2034-04-20 to 2034-05-17
const DAYS = Array.from({ length: 28 }, (_, i) => new Date(Date.UTC(2034, 3, 20 + i)).toISOString().slice(0, 10));
const BREACHES: Record<string, number> = { '2034-05-01': 1, '2034-05-09': 2, '2034-05-17': 1 };

// what the check reads of the OpenAPI document
interface OpenApiDocument {
  paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: unknown }> }> } }>;
  components: { schemas: Record<string, { properties: Record<string, unknown> }> };
}

// what the check reads of a canvas (the specs compile without the DOM's types)
interface HTMLCanvasElementLike {
  width: number;
  height: number;
  toDataURL(): string;
  ownerDocument: { createElement(tag: 'canvas'): HTMLCanvasElementLike };
}

// the dashboard alone (clock at NOW) over real HTTP, PostgreSQL and Kafka; its trend series, then its page in headless Chromium
describe('the dashboard trends', () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('dash_trends');
  let runtime: DashboardRuntime;
  let app: INestApplication;
  let url: string;
  let tokens: Record<string, string> = {};
  let browser: Browser;
  const json = async (path: string, who = 'analyst') => (await jsonRequest(`${url}${path}`, tokens[who], 'GET')).json();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run "bash deploy/local/browser.sh" or set CHROMIUM_PATH`);
    runtime = await startDashboardRuntime(
      { ...infra, ...serviceDatabase('dashboard'), ...serviceKafka('dashboard'), schema, clock: new ManualClock(NOW), consumeFromBeginning: false },
      () => undefined,
    );
    ({ app, url } = await serveOnFreePort(dashboardService, runtime, { ...infra, jwtSecret: SECRET }));
    tokens = await signTestTokens(SECRET, { lead: { id: 'm-lead', role: 'lead' }, analyst: { id: 'ops', role: 'analyst' }, contractor: { id: 'c-zhou', role: 'contractor' } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    await publishEvents(SEEDED.flat());
    // tickets and clocks are read from two topics: wait for both to be projected
    await waitFor(
      'the seeded events projected',
      async () => {
        const [depth, breaches] = await Promise.all([json('/v1/trends/queue-depth'), json('/v1/trends/breaches')]);
        return depth.hours.at(-1)?.depth === 2 && depth.hours.at(-4)?.depth === 3 && breaches.days.at(-1)?.breaches === 1 && breaches.days.at(-9)?.breaches === 2;
      },
      { timeoutMs: 30_000, describe: async () => [await json('/v1/trends/queue-depth'), await json('/v1/trends/breaches')] },
    );
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await dropTestSchema(schema);
  });

  it('answers the rates and SLA compliance per rule of the last 12 weeks, the queue depth per hour and the breaches per day', async () => {
    await expect(json('/v1/trends/rates')).resolves.toEqual({ timeZone: 'Asia/Shanghai', weeks: WEEKS.map((week) => ({ week, ...rates(week) })) });
    await expect(json('/v1/trends/sla-compliance', 'lead')).resolves.toEqual({
      timeZone: 'Asia/Shanghai',
      rules: ['first-contact', 'hand-over'],
      weeks: WEEKS.map((week) => ({ week, rules: compliance(week) })),
    });
    const depth = await json('/v1/trends/queue-depth');
    expect(depth.hours.map((h: { depth: number }) => h.depth)).toEqual(DEPTHS);
    // whole hours of the team's day, from 15:00 yesterday; the current one ends now
    expect(depth.hours[0]).toEqual({ from: '2034-05-16T07:00:00.000Z', to: '2034-05-16T08:00:00.000Z', depth: 1 });
    expect(depth.hours.at(-1)).toEqual({ from: '2034-05-17T06:00:00.000Z', to: NOW.toISOString(), depth: 2 });
    await expect(json('/v1/trends/breaches')).resolves.toEqual({ timeZone: 'Asia/Shanghai', days: DAYS.map((day) => ({ day, breaches: BREACHES[day] ?? 0 })) });
    // each answer documented by its class, with examples
    const openApi = (await (await fetch(`${url}/docs/openapi.json`)).json()) as OpenApiDocument;
    expect(openApi.paths['/v1/trends/queue-depth'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/QueueDepthTrendDto' });
    expect(openApi.components.schemas.HourDepthDto.properties.depth).toMatchObject({ type: 'number', example: 7 });
    // the team's figures: contractors see only their own work elsewhere
    for (const path of ['/v1/trends/rates', '/v1/trends/sla-compliance', '/v1/trends/queue-depth', '/v1/trends/breaches']) {
      expect((await jsonRequest(`${url}${path}`, tokens.contractor, 'GET')).status).toBe(403);
    }
  });

  it('draws the four charts on the page, each with a table of its figures, under the content security policy', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    const library = await fetch(`${url}/vendor/uplot.js`);
    expect(library.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(library.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await library.text()).toContain('uPlot');

    await page.goto(url);
    await page.fill('#token', tokens.lead);
    await page.click('#login button');
    await page.waitForSelector('.charts[data-loaded="true"]', { timeout: 10_000 });

    // each chart: a canvas uPlot drew on, a legend naming its series, and its figures as the API gives them
    const figures = (id: string, series: string) =>
      page.$$eval(
        `#${id} table.figures tbody tr`,
        (rows, key) => rows.map((row) => [row.getAttribute('data-x'), row.querySelector(`td[data-series="${key}"]`)?.getAttribute('data-value')]),
        series,
      );
    const legend = (id: string) => page.$$eval(`#${id} .u-legend .u-series .u-label`, (labels) => labels.map((label) => label.textContent));
    for (const id of ['trend-rates', 'trend-compliance', 'trend-depth', 'trend-breaches']) {
      await waitFor(`the ${id} chart drawn`, () =>
        page.$eval(`#${id} canvas`, (canvas: HTMLCanvasElementLike) => {
          const blank = canvas.ownerDocument.createElement('canvas');
          [blank.width, blank.height] = [canvas.width, canvas.height];
          return canvas.width > 0 && canvas.toDataURL() !== blank.toDataURL();
        }),
      );
    }
    const value = (v: number | null) => (v === null ? '' : String(v));
    expect(await legend('trend-rates')).toEqual(['week', 'response rate', 'resolution rate']);
    expect(await figures('trend-rates', 'responseRate')).toEqual(WEEKS.map((week) => [week, value(rates(week).responseRate)]));
    expect(await figures('trend-rates', 'resolutionRate')).toEqual(WEEKS.map((week) => [week, value(rates(week).resolutionRate)]));
    await expect(page.locator('#trend-rates tr[data-x="2034-W18"]').textContent()).resolves.toBe('2034-W1850%50%');

    expect(await legend('trend-compliance')).toEqual(['week', 'first-contact', 'hand-over']);
    expect(await figures('trend-compliance', 'first-contact')).toEqual(WEEKS.map((week) => [week, value(compliance(week)[0].compliance)]));
    expect(await figures('trend-compliance', 'hand-over')).toEqual(WEEKS.map((week) => [week, value(compliance(week)[1].compliance)]));

    // hours on the team's wall clock
    expect(await legend('trend-depth')).toEqual(['hour', 'open tickets']);
    const depth = await figures('trend-depth', 'depth');
    expect(depth.map(([, v]) => Number(v))).toEqual(DEPTHS);
    expect([depth[0][0], depth.at(-1)![0]]).toEqual(['2034-05-16 15:00', '2034-05-17 14:00']);

    expect(await legend('trend-breaches')).toEqual(['day', 'breaches']);
    expect(await figures('trend-breaches', 'breaches')).toEqual(DAYS.map((day) => [day, String(BREACHES[day] ?? 0)]));

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    // the shot shows one chart's figures too
    await page.click('#trend-rates summary');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    // no script or style refused by the content security policy, no script error
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
