import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { ManualClock } from '@support/test-kit';
import { answer, clientsOf } from './support/api-clients';
import { CHROMIUM, CHROMIUM_ARGS } from './support/chromium';
import { jsonRequest, RunningSystem, startSystem, waitFor } from './support/system-harness';

// The what-if through the whole stack: the dashboard asks sla-monitor, routing and the lead pool (each over real
// HTTP, Kafka and PostgreSQL) to replay the minutes this test recorded, and lines their answers up. Each service's
// own tests work its replay out by hand; this one shows the combination: the parts, the identity (a proposal equal
// to the policy in force changes no figure), the same bytes twice, the CSV, and the refusals named by part.
describe('what-if: the dashboard combines the parts their services simulate', () => {
  let system: RunningSystem;
  let lead: string;
  let agent: string;
  let desk: string;
  const slaClock = new ManualClock(new Date());
  const [wangId, chenId] = [`m-wi-wang-${randomUUID().slice(0, 6)}`, `m-wi-chen-${randomUUID().slice(0, 6)}`];
  const ratios = [
    { memberId: wangId, weight: 2 },
    { memberId: chenId, weight: 1 },
  ];
  let period: { from: string; to: string };

  beforeAll(async () => {
    const from = new Date(Date.now() - 1000);
    system = await startSystem({ slaClock, leadPool: true, dashboard: true });
    [lead, agent, desk] = await Promise.all([
      system.token({ role: 'lead', id: 'm-lead' }),
      system.token({ role: 'agent', id: wangId }),
      system.token({ role: 'intake', id: 'cs-desk' }),
    ]);
    const as = clientsOf(system, lead);
    for (const memberId of [wangId, chenId]) {
      await answer(as.routing.POST('/v1/members', { body: { memberId, role: 'agent', name: memberId, tier: 'L1', capacity: 5, skills: [], scenarios: [], onDuty: true } }), 201);
    }
    await waitFor(
      'the pool to know the roster',
      async () => (await system.leads!.runtime.repository.members(system.leads!.runtime.dataSource)).filter((m) => m.onDuty).length === 2,
    );
    await answer(as.leads!.PUT('/v1/ratios', { body: { ratios, acceptMinutes: 60 } }));
    for (let n = 0; n < 3; n++) {
      const phone = `+86 137 ${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;
      await answer(as.leads!.POST('/v1/leads', { body: { platform: 'douyin', account: '@studio', customerHandle: `线索${n}`, contact: { phone }, memberId: wangId } }), 201);
    }
    const opened: string[] = [];
    for (let n = 0; n < 3; n++) {
      const body = {
        channel: 'wechat' as const,
        customer: { name: '王女士', phone: `+86 138 ${Math.floor(10_000_000 + Math.random() * 89_999_999)}` },
        deviceModel: 'Dell XPS 15',
        problem: '开机蓝屏',
        urgency: 'normal' as const,
      };
      opened.push((await answer(clientsOf(system, desk).intake.POST('/v1/tickets', { body }), 201)).id);
    }
    await waitFor('every ticket assigned and its clocks started', async () => {
      const states = await Promise.all(opened.map(async (id) => (await answer(as.intake.GET('/v1/tickets/{id}', { params: { path: { id } } }))).state));
      const clocks = await Promise.all(opened.map(async (id) => (await jsonRequest(`${system.sla!.url}/v1/tickets/${id}/clocks`, lead, 'GET')).json()));
      return states.every((state) => state === 'assigned') && clocks.every((list: unknown[]) => list.length >= 2);
    });
    // the period ends a moment ago for every service (sla-monitor's clock is the test's)
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const to = new Date(Date.now() - 500);
    slaClock.set(new Date());
    period = { from: from.toISOString(), to: to.toISOString() };
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  });

  const simulate = (body: object, token = lead, headers: Record<string, string> = {}) => jsonRequest(`${system.dashboard!.url}/v1/simulations`, token, 'POST', body, headers);

  async function policyInForce(): Promise<object> {
    const policy = await (await jsonRequest(`${system.sla!.url}/v1/policies`, lead, 'GET')).json();
    return { rules: policy.rules, calendar: policy.calendar };
  }

  it('answers each part from its service, every figure paired, nothing changed by a proposal equal to the policy in force', async () => {
    // each proposal equal to what is in force: the SLA policy, a capacity the roster has, the ratios
    const body = { ...period, sla: { policy: await policyInForce() }, routing: { roster: { members: [{ memberId: wangId, capacity: 5 }] } }, leads: { ratios } };
    const response = await simulate(body);
    const text = await response.text();
    expect([response.status, text.slice(0, 200)]).toEqual([200, text.slice(0, 200)]);
    const answered = JSON.parse(text);

    expect(Object.keys(answered.parts)).toEqual(['sla', 'routing', 'leads']);
    expect(answered.parts.sla.service).toBe('sla-monitor');
    expect(answered.parts.routing.service).toBe('routing');
    expect(answered.parts.leads.service).toBe('lead-pool');
    for (const part of Object.values(answered.parts) as Array<{ period: unknown }>) expect(part.period).toEqual(period);
    // what the test recorded: 3 tickets assigned and their clocks started, 3 leads allocated 2:1
    expect(answered.parts.routing.actual.assigned).toBe(3);
    expect(answered.parts.sla.actual.clocks).toBeGreaterThanOrEqual(6);
    expect(answered.parts.leads.actual.allocated).toBe(3);
    const row = (part: string, measure: string) => answered.comparison.find((r: { part: string; measure: string }) => r.part === part && r.measure === measure);
    expect(row('sla', 'clocks')).toEqual({ part: 'sla', measure: 'clocks', actual: answered.parts.sla.actual.clocks, proposed: answered.parts.sla.actual.clocks, change: 0 });
    expect(row('leads', `members[${wangId}].received`)).toMatchObject({ actual: 2, proposed: 2, change: 0 });
    // the identity through the whole stack: every figure of every part unchanged, but routing's queue waits: the
    // record's include the live consumer's lag (a decision is recorded when routing took the event in), the replay
    // decides at the event's instant (its assumptions say so); a lag under a second moves a wait by 0.01 min
    const changed = answered.comparison.filter((r: { change: number | null; actual: unknown; proposed: unknown }) => r.change !== 0 && r.actual !== r.proposed);
    const lagged = (r: { part: string; measure: string }) => r.part === 'routing' && /queueWait\.((all|urgent|normal)\.)?p(50|90)$/.test(r.measure);
    expect(changed.filter((r: { part: string; measure: string }) => !lagged(r))).toEqual([]);
    for (const r of changed) expect(Math.abs(r.change)).toBeLessThan(0.5);
    expect(new Set(answered.assumptions.map((a: { part: string }) => a.part))).toEqual(new Set(['sla', 'routing', 'leads']));

    // the same proposal over the same period: the same bytes; and as CSV, a line per figure and per assumption
    expect(await (await simulate(body)).text()).toBe(text);
    const csv = await simulate(body, lead, { accept: 'text/csv' });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trimEnd().split('\n');
    expect(lines[0]).toBe('from,to,part,kind,measure,actual,proposed,change');
    expect(lines.length).toBe(1 + answered.comparison.length + answered.assumptions.length);
  });

  it('shows a changed proposal beside the record: routing with one slot each, the lead pool at 1:2 instead of 2:1', async () => {
    const routing = await (
      await simulate({
        ...period,
        routing: {
          roster: {
            members: [
              { memberId: wangId, capacity: 1 },
              { memberId: chenId, capacity: 1 },
            ],
          },
        },
      })
    ).json();
    // 3 tickets, nothing resolved in the period: two members with one slot each take two, the third waits
    expect([routing.parts.routing.actual.assigned, routing.parts.routing.actual.waitingAtEnd]).toEqual([3, 0]);
    expect([routing.parts.routing.proposed.assigned, routing.parts.routing.proposed.waitingAtEnd]).toEqual([2, 1]);

    const answered = await (
      await simulate({
        ...period,
        leads: {
          ratios: [
            { memberId: wangId, weight: 1 },
            { memberId: chenId, weight: 2 },
          ],
        },
      })
    ).json();
    // 3 leads at 2:1 went wang, chen, wang (recorded); at 1:2 the same rule gives chen two and wang one
    const received = (side: 'actual' | 'proposed') =>
      Object.fromEntries(answered.parts.leads[side].members.map((m: { memberId: string; received: number }) => [m.memberId, m.received]));
    expect(received('actual')).toEqual({ [wangId]: 2, [chenId]: 1 });
    expect(received('proposed')).toEqual({ [wangId]: 1, [chenId]: 2 });
  });

  it('refuses what a part refuses, named by the part, and refuses callers other than a lead', async () => {
    const unknownMember = await simulate({ ...period, leads: { ratios: [{ memberId: 'm-nobody', weight: 1 }] } });
    expect(unknownMember.status).toBe(400);
    expect((await unknownMember.json()).message).toEqual([expect.stringMatching(/^leads\.ratios\.0\.memberId m-nobody is not on the roster/)]);
    const nothing = await simulate({ ...period });
    expect(nothing.status).toBe(400);
    expect((await nothing.json()).message).toEqual(['one of sla, routing, leads is required: the proposal to simulate']);
    const future = await simulate({ from: period.from, to: new Date(Date.now() + 3_600_000).toISOString(), leads: { ratios } });
    expect(future.status).toBe(400);
    expect((await future.json()).message).toEqual([expect.stringMatching(/^to must not be in the future/)]);
    expect((await simulate({ ...period, leads: { ratios } }, agent)).status).toBe(403);
  });

  // what the check reads of a canvas (the specs compile without the DOM's types)
  interface CanvasLike {
    width: number;
    height: number;
    toDataURL(): string;
    ownerDocument: { createElement(tag: 'canvas'): CanvasLike };
  }
  interface RowLike {
    querySelectorAll(selector: 'td'): ArrayLike<{ textContent: string | null }>;
  }
  interface Row {
    part: string;
    measure: string;
    actual: number | null;
    proposed: number | null;
    change: number | null;
  }

  describe("on the dashboard page's What if? section, in headless Chromium", () => {
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    // the page's console errors and script errors
    let problems: string[] = [];
    const LABEL: Record<string, string> = { sla: 'SLA (sla-monitor)', routing: 'Routing (routing)', leads: 'Lead pool (lead-pool)' };
    // the same changed proposal as above: one slot each for routing, the lead pool at 1:2 instead of 2:1
    const routing = {
      roster: {
        members: [
          { memberId: wangId, capacity: 1 },
          { memberId: chenId, capacity: 1 },
        ],
      },
    };
    const leads = {
      ratios: [
        { memberId: wangId, weight: 1 },
        { memberId: chenId, weight: 2 },
      ],
    };

    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run "bash deploy/local/browser.sh" or set CHROMIUM_PATH`);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      // a lead signs in once: the page keeps the token in this browser's storage and reloads with it
      const first = await context.newPage();
      await first.goto(system.dashboard!.url);
      await first.fill('#token', lead);
      await first.click('#login button');
      await first.waitForSelector('#status:has-text("live")', { timeout: 30_000 });
      await first.close();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
    });

    // each test on a page of its own, signed in
    beforeEach(async () => {
      problems = [];
      page = await context.newPage();
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
      await page.goto(system.dashboard!.url);
      await page.waitForSelector('#status:has-text("live")', { timeout: 30_000 });
    }, 60_000);

    afterEach(async () => {
      await page?.close();
    });

    async function replayOnPage(proposals: { routing?: object; leads?: object }): Promise<void> {
      await page.fill('#what-if-form input[name="from"]', period.from);
      await page.fill('#what-if-form input[name="to"]', period.to);
      for (const part of ['sla', 'routing', 'leads'] as const) {
        const proposal = (proposals as Record<string, object | undefined>)[part];
        await page.fill(`#what-if-form textarea[name="${part}"]`, proposal ? JSON.stringify(proposal, null, 2) : '');
      }
      await page.click('#what-if-form button:has-text("Replay")');
    }
    // a part's table as the user reads it: figure, actual, proposed, change
    const shownRows = (part: string) =>
      page.$$eval(`#what-if-${part} table.figures tbody tr`, (rows: RowLike[]) => rows.map((row) => Array.from(row.querySelectorAll('td')).map((cell) => cell.textContent)));
    // an API row as the page writes it: a missing figure as a dash, a rise with its sign
    const asShown = (r: Row) => [
      r.measure,
      r.actual === null ? '–' : String(r.actual),
      r.proposed === null ? '–' : String(r.proposed),
      r.change === null ? '–' : (r.change > 0 ? '+' : '') + r.change,
    ];
    const drawn = (selector: string) =>
      page.$eval(selector, (canvas: CanvasLike) => {
        const blank = canvas.ownerDocument.createElement('canvas');
        [blank.width, blank.height] = [canvas.width, canvas.height];
        return canvas.width > 0 && canvas.height > 0 && canvas.toDataURL() !== blank.toDataURL();
      });

    it("shows the API's comparison and assumptions, draws each part's headline figures, and downloads the API's JSON and CSV", async () => {
      const body = { ...period, routing, leads };
      const api = await simulate(body);
      expect(api.status).toBe(200);
      const apiText = await api.text();
      const answered = JSON.parse(apiText) as { period: { from: string; to: string }; comparison: Row[]; assumptions: Array<{ part: string; text: string }> };
      const apiCsv = await simulate(body, lead, { accept: 'text/csv' });
      const csvText = await apiCsv.text();
      const csvName = /filename="([^"]+)"/.exec(apiCsv.headers.get('content-disposition') ?? '')?.[1];
      expect(csvName).toMatch(/^what-if-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv$/);

      await replayOnPage({ routing, leads });
      await page.waitForSelector('#what-if-result[data-loaded="true"]', { timeout: 60_000 });
      await expect(page.locator('#what-if-status').textContent()).resolves.toBe(`replayed ${answered.period.from} to ${answered.period.to}`);

      // every figure of the API's comparison, part by part, as the user reads it; the hand-worked ones among them
      expect(await page.$$eval('#what-if-result figure', (figures) => figures.map((f) => f.id))).toEqual(['what-if-routing', 'what-if-leads']);
      for (const part of ['routing', 'leads']) {
        const rows = answered.comparison.filter((r) => r.part === part);
        expect(rows.length).toBeGreaterThan(0);
        expect(await shownRows(part)).toEqual(rows.map(asShown));
      }
      const shown = [...(await shownRows('routing')), ...(await shownRows('leads'))];
      expect(shown).toEqual(
        expect.arrayContaining([
          ['assigned', '3', '2', '-1'],
          ['waitingAtEnd', '0', '1', '+1'],
          [`members[${wangId}].received`, '2', '1', '-1'],
          [`members[${chenId}].received`, '1', '2', '+1'],
        ]),
      );
      // what each replay assumed, named by its part
      expect(answered.assumptions.length).toBeGreaterThan(0);
      expect(await page.$$eval('#what-if-assumptions li', (items) => items.map((item) => item.textContent))).toEqual(
        answered.assumptions.map((a) => `${LABEL[a.part]}: ${a.text}`),
      );

      // each part's headline figures (the outcome's own numbers) as bars, actual beside proposed, on a canvas uPlot drew on
      for (const part of ['routing', 'leads']) {
        const headline = answered.comparison.filter((r) => r.part === part && !/[.[]/.test(r.measure));
        await expect(page.locator(`#what-if-${part}`).getAttribute('data-points')).resolves.toBe(String(headline.length));
        await waitFor(`the ${part} chart drawn`, () => drawn(`#what-if-${part} canvas`));
        expect(await page.$$eval(`#what-if-${part} .u-legend .u-series .u-label`, (labels) => labels.map((label) => label.textContent))).toEqual(['figure', 'actual', 'proposed']);
      }

      // the downloads: the API's own bytes, under the API's file names
      const [json] = await Promise.all([page.waitForEvent('download'), page.click('#what-if-json')]);
      expect(json.suggestedFilename()).toBe(csvName!.replace(/\.csv$/, '.json'));
      expect((await readFile(await json.path())).toString('utf8')).toBe(apiText);
      const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#what-if-csv')]);
      expect(csv.suggestedFilename()).toBe(csvName);
      expect((await readFile(await csv.path())).toString('utf8')).toBe(csvText);
      expect(problems).toEqual([]);
    }, 120_000);

    it("shows the API's refusal naming the field, and nothing of the answer before it", async () => {
      const bad = { ratios: [{ memberId: 'm-nobody', weight: 1 }] };
      const api = await simulate({ ...period, routing, leads: bad });
      expect(api.status).toBe(400);
      const { message } = await api.json();
      expect(message).toEqual([expect.stringMatching(/^leads\.ratios\.0\.memberId m-nobody is not on the roster/)]);

      // an answer on the page first: a refused proposal then replaces it with the refusal alone
      await replayOnPage({ routing, leads });
      await page.waitForSelector('#what-if-result[data-loaded="true"]', { timeout: 60_000 });
      expect(await page.locator('#what-if-result figure').count()).toBe(2);
      await replayOnPage({ routing, leads: bad });
      await page.waitForSelector('#what-if-status.error', { timeout: 60_000 });
      await expect(page.locator('#what-if-status').textContent()).resolves.toBe(message.join('; '));
      expect(await page.locator('#what-if-result figure, #what-if-result canvas, #what-if-result table').count()).toBe(0);
      expect(await page.locator('#what-if-assumptions li').count()).toBe(0);
      await expect(page.locator('#what-if-result').getAttribute('data-loaded')).resolves.toBeNull();
      expect([await page.locator('#what-if-json').isDisabled(), await page.locator('#what-if-csv').isDisabled()]).toEqual([true, true]);
      // a proposal that is not JSON is named before anything is sent
      await page.fill('#what-if-form textarea[name="leads"]', '{"ratios": [');
      await page.click('#what-if-form button:has-text("Replay")');
      await waitFor('the page to name the field that is not JSON', async () => /^leads is not JSON: /.test((await page.locator('#what-if-status').textContent()) ?? ''));
      // the only console error: the browser's own line for the refused request
      expect(problems).toEqual([expect.stringMatching(/status of 400/)]);
    }, 120_000);
  });
});
