import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';
import { systemClock } from '@support/contracts';
import { jsonRequest, RunningSystem, startSystem, waitFor } from './support/system-harness';

// Debian's chromium (deploy/local/browser.sh installs it); CHROMIUM_PATH points elsewhere
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// a closed network: without these flags chromium keeps reaching for Google's hosts
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

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

  it('shows a ticket opened through the API within 2 s, with its SLA countdown running', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    const dashboard = system.dashboard!.url;

    // first visit: the page asks for a token, then goes live with it
    await page.goto(dashboard);
    await page.fill('#token', await system.token({ role: 'lead', id: 'm-lead' }));
    await page.click('#login button');
    await page.waitForSelector('#status:has-text("live")', { timeout: 10_000 });

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

    // sla-monitor starts the hand-over clock (15 min); the row counts it down second by second
    const countdown = row.locator('td.countdown');
    const first = await waitFor('the hand-over countdown', async () => {
      const shown = await countdown.textContent();
      return /^hand-over 1[45]m \d\ds$/.test(shown ?? '') && shown;
    });
    await waitFor('the countdown to tick', async () => (await countdown.textContent()) !== first, { timeoutMs: 3_000 });
    const seconds = (text: string | null) => {
      const [, m, s] = /(\d+)m (\d\d)s/.exec(text ?? '') ?? [];
      return Number(m) * 60 + Number(s);
    };
    expect(seconds(await countdown.textContent())).toBeLessThan(seconds(first));
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
