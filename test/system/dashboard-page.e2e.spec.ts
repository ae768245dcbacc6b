import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';
import { systemClock } from '@support/contracts';
import { publishEvents } from '@support/test-kit';
import { teamTime } from '../../services/dashboard/src/http/page-format';
import { CHROMIUM, CHROMIUM_ARGS } from './support/chromium';
import { everyItem, jsonRequest, RunningSystem, startSystem, waitFor } from './support/system-harness';

// the web page served by the dashboard, in headless Chromium, with intake, routing, sla-monitor and the dashboard on real Kafka
describe('the dashboard page', () => {
  let system: RunningSystem;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run "bash deploy/local/browser.sh" or set CHROMIUM_PATH`);
    system = await startSystem({ slaClock: systemClock, dashboard: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it("shows a ticket opened through the API within 2 s, with its SLA countdown running in human units, its time in the team's zone and its assignee by name", async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    const dashboard = system.dashboard!.url;
    const lead = await system.token({ role: 'lead', id: 'm-lead' });

    // first visit: the page asks for a token, then goes live with it
    await page.goto(dashboard);
    await page.fill('#token', lead);
    await page.click('#login button');
    await page.waitForSelector('#status:has-text("live")', { timeout: 10_000 });
    await expect(page.locator('#zone').textContent()).resolves.toBe('Times in Asia/Shanghai');

    const deviceModel = `Browser test PC ${Date.now()}`;
    const opened = await jsonRequest(`${system.intake.url}/v1/tickets`, await system.token({ role: 'intake', id: 'cs-desk' }), 'POST', {
      channel: 'web',
      customer: { name: '浏览器测试', wechat: `page_${Date.now()}` },
      deviceModel,
      problem: '直播推流卡顿',
      urgency: 'urgent',
    });
    expect(opened.status).toBe(201);
    const { id } = await opened.json();
    const posted = Date.now();

    const row = page.locator(`#queue tr[data-ticket="${id}"]`);
    await row.waitFor({ timeout: 2_000 });
    const shownAfterMs = Date.now() - posted;
    expect(shownAfterMs).toBeLessThan(2_000);
    await expect(row.locator('td').nth(5).textContent()).resolves.toBe(deviceModel);
    await expect(row.locator('td').nth(2).textContent()).resolves.toBe('urgent');

    // received: on the team's wall clock (Asia/Shanghai), not as an ISO instant
    const [queued] = (await everyItem('/v1/queue?state=received', async (path) => (await jsonRequest(`${dashboard}${path}`, lead, 'GET')).json())).filter(
      (t: { ticketId: string }) => t.ticketId === id,
    );
    const received = await row.locator('td').nth(6).textContent();
    expect(received).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(received).toBe(teamTime(queued.receivedAt, 'Asia/Shanghai'));

    // sla-monitor starts the hand-over clock (15 min); the row counts it down second by second, in minutes and seconds
    const countdown = row.locator('td.countdown');
    const first = await waitFor('the hand-over countdown', async () => {
      const shown = await countdown.textContent();
      return /^hand-over 1[45] min \d\d s$/.test(shown ?? '') && shown;
    });
    await waitFor('the countdown to tick', async () => (await countdown.textContent()) !== first, { timeoutMs: 3_000 });
    const seconds = (text: string | null) => {
      const [, m, s] = /(\d+) min (\d\d) s/.exec(text ?? '') ?? [];
      return Number(m) * 60 + Number(s);
    };
    expect(seconds(await countdown.textContent())).toBeLessThan(seconds(first));

    // a member comes on duty: routing hands them the waiting ticket, and the page names them (the roster's name, not the id)
    const memberId = `m-page-${id.slice(0, 8)}`;
    const registered = await jsonRequest(`${system.routing.url}/v1/members`, lead, 'POST', {
      memberId,
      role: 'agent',
      name: '张伟',
      tier: 'L1',
      skills: [],
      scenarios: [],
      capacity: 5,
      onDuty: true,
    });
    expect(registered.status).toBe(201);
    await waitFor('the assignee by name', async () => (await row.locator('td').nth(4).textContent()) === '张伟', { timeoutMs: 30_000 });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows how many leads wait in the pool and how long the oldest has, in days and hours', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(system.dashboard!.url);
    await page.fill('#token', await system.token({ role: 'lead', id: 'm-lead' }));
    await page.click('#login button');
    await page.waitForSelector('#status:has-text("live")', { timeout: 10_000 });

    // a lead captured 3 days 4 hours ago that nobody took (as lead-pool publishes it): the page is told over the live stream
    const leadId = randomUUID();
    const capturedAt = new Date(Date.now() - ((3 * 24 + 4) * 60 + 10) * 60_000);
    const leadEvent = (type: string, data: object, occurredAt: Date) => ({ type, source: 'lead-pool', streamId: leadId, data: { leadId, ...data }, occurredAt });
    await publishEvents([
      leadEvent(
        'support.lead.captured.v1',
        { source: { memberId: 'm-li', platform: 'douyin', account: '@li' }, customerHandle: 'page test', contact: { wechat: `wx_${leadId.slice(0, 8)}` }, via: 'rest' },
        capturedAt,
      ),
    ]);
    try {
      const waiting = async () => Number(/^(\d+) leads? waits? in the pool$/.exec((await page.locator('#pool-waiting').textContent()) ?? '')?.[1] ?? 0);
      await waitFor('the waiting lead on the page', async () => (await waiting()) >= 1, { timeoutMs: 30_000 });
      // the oldest waiting lead is this one (or one older still): in days and hours, since a time on the team's clock
      const oldest = (await page.locator('#pool-oldest').textContent()) ?? '';
      const shown = /^· the oldest for (\d+) d (\d+) h \(since \d{4}-\d\d-\d\d \d\d:\d\d\)$/;
      expect(oldest).toMatch(shown);
      const [, days, hours] = shown.exec(oldest) as RegExpExecArray;
      expect(Number(days) * 24 + Number(hours)).toBeGreaterThanOrEqual(3 * 24 + 4);
    } finally {
      await publishEvents([leadEvent('support.lead.lost.v1', { reason: 'end of the test' }, new Date())]);
    }
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
