import { humanDuration, teamTime } from './page-format';
import { TRENDS_SECTION, TRENDS_STYLE } from './trends.page';
import { WHAT_IF_SECTION, WHAT_IF_STYLE } from './what-if.page';

// the dashboard's one page: plain HTML, style and script, no build step; it reads the same REST and live endpoints
// as any other client, with a bearer token the user pastes once (kept in this browser's localStorage). Style and
// script are files of their own, so the content security policy needs no inline allowance. People are shown by
// name (the id when the roster topic never named them), times in the team's time zone, durations as `2 h 05 min`.
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>Support dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/vendor/uplot.css">
<link rel="stylesheet" href="/app.css">
</head>
<body>
<h1>Support dashboard <span id="status"></span></h1>
<form id="login" hidden><label>Bearer token <input id="token" size="60"></label> <button>Use</button></form>
<h2>Live queue</h2>
<p id="zone"></p>
<table id="queue"><thead><tr><th>ticket</th><th>state</th><th>urgency</th><th>tier</th><th>assignee</th><th>device</th><th>received</th><th>next deadline</th></tr></thead><tbody></tbody></table>
<h2>SLA board</h2>
<table id="sla"><thead><tr><th>rule</th><th>ticket</th><th>due</th><th>time left</th></tr></thead><tbody></tbody></table>
<h2>This week</h2>
<table id="kpis"><thead><tr><th>member</th><th>assigned</th><th>response rate</th><th>resolved</th><th>CSAT</th><th>escalations</th><th>response</th></tr></thead><tbody></tbody></table>
<h2>Lead fairness</h2>
<p id="lead-pool"><span id="pool-waiting"></span> <span id="pool-oldest"></span></p>
<table id="leads"><thead><tr><th>member</th><th>contributed</th><th>received</th><th>expected</th><th></th></tr></thead><tbody></tbody></table>
${TRENDS_SECTION}
${WHAT_IF_SECTION}
<script src="/app.js" defer></script>
<script src="/vendor/uplot.js" defer></script>
<script src="/trends.js" defer></script>
<script src="/what-if.js" defer></script>
</body>
</html>
`;

export const DASHBOARD_STYLE = `  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
  h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 1.5rem; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; }
  th, td { border-bottom: 1px solid #ddd; padding: .3rem .5rem; text-align: left; }
  .urgent { color: #b00; font-weight: 600; } .late { color: #b00; } .risk { color: #c60; }
  progress, meter { width: 12rem; }
  #status, #zone { color: #666; font-size: .85rem; }
${TRENDS_STYLE}${WHAT_IF_STYLE}`;

export const DASHBOARD_SCRIPT = `${humanDuration.toString()}
${teamTime.toString()}
const token = () => localStorage.getItem('dashboardToken');
const api = (path) => fetch(path, { headers: { authorization: 'Bearer ' + token() } }).then((r) => { if (r.status === 401) throw new Error('401'); return r.json(); });
// the lists page by cursor: the page keeps them whole, so it reads every page (200 at a time)
async function every(path) {
  const items = [];
  let first;
  for (let cursor = null, page; !page || cursor; ) {
    page = await api(path + (path.includes('?') ? '&' : '?') + 'limit=200' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    first = first || page;
    items.push(...page.items);
    cursor = page.nextCursor;
  }
  return { ...first, items };
}
const text = (value) => String(value ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const pct = (rate) => (rate === null ? '–' : Math.round(rate * 100) + '%');
const tickets = new Map();
// the team's time zone and members' names, from /v1/team and the live stream
let timeZone = 'Asia/Shanghai';
const names = new Map();
const who = (memberId) => (memberId ? names.get(memberId) || memberId : '');
// the pool's waiting leads: how many, and since when the oldest waits
let pool = { waiting: 0, oldestWaitingSince: null };
let poolReload;
// running clocks by id, for each ticket's countdown; the board shows those at risk or breached
const deadlines = new Map();
let clocks = [];

function countdown(dueAt) {
  const left = Math.round((Date.parse(dueAt) - Date.now()) / 1000);
  return { late: left < 0, shown: humanDuration(left) };
}

function nextDeadline(ticketId) {
  let next;
  for (const d of deadlines.values()) if (d.ticketId === ticketId && (!next || Date.parse(d.dueAt) < Date.parse(next.dueAt))) next = d;
  return next;
}

function renderQueue() {
  const open = [...tickets.values()].filter((t) => !['resolved', 'closed', 'cancelled'].includes(t.state));
  open.sort((a, b) => (b.urgency === 'urgent') - (a.urgency === 'urgent') || String(a.receivedAt).localeCompare(String(b.receivedAt)));
  document.querySelector('#queue tbody').innerHTML = open.map((t) => {
    const next = nextDeadline(t.ticketId);
    const due = next ? countdown(next.dueAt) : undefined;
    return '<tr data-ticket="' + text(t.ticketId) + '"><td>' + text(t.ticketId.slice(0, 8)) + '</td><td>' + text(t.state) + '</td><td class="' + (t.urgency === 'urgent' ? 'urgent' : '') + '">' + text(t.urgency) + '</td><td>' + text(t.tier) + '</td><td>' + text(who(t.assignee && t.assignee.id)) + '</td><td>' + text(t.deviceModel) + '</td><td>' + text(teamTime(t.receivedAt, timeZone)) + '</td>' +
      '<td class="countdown ' + (due && due.late ? 'late' : '') + '">' + (next ? text(next.ruleId) + ' ' + due.shown : '') + '</td></tr>';
  }).join('');
}

function renderSla() {
  document.querySelector('#sla tbody').innerHTML = clocks.map((c) => {
    const due = countdown(c.dueAt);
    return '<tr class="' + (due.late || c.breached ? 'late' : 'risk') + '" data-clock="' + text(c.clockId) + '"><td>' + text(c.ruleId) + '</td><td>' + text((c.ticketId || '').slice(0, 8)) + '</td><td>' + text(teamTime(c.dueAt, timeZone)) + '</td><td class="countdown">' + due.shown + '</td></tr>';
  }).join('');
}

function onClock(row) {
  if (row.status === 'running' && row.ticketId) deadlines.set(row.clockId, row);
  else deadlines.delete(row.clockId);
  clocks = clocks.filter((c) => c.clockId !== row.clockId);
  if (['running', 'paused'].includes(row.status) && (row.breached || Date.parse(row.warnAt) <= Date.now())) clocks.push(row);
}

function renderPool() {
  document.getElementById('pool-waiting').textContent = pool.waiting + (pool.waiting === 1 ? ' lead waits' : ' leads wait') + ' in the pool';
  const since = pool.waiting > 0 && pool.oldestWaitingSince;
  document.getElementById('pool-oldest').textContent = since ? '· the oldest for ' + humanDuration(Math.max(0, Math.floor((Date.now() - Date.parse(since)) / 1000))) + ' (since ' + teamTime(since, timeZone) + ')' : '';
}

async function loadPool() {
  pool = await api('/v1/lead-pool');
  renderPool();
}

// a lead moved: read the pool's figures again, once for a burst of changes
function poolChanged() {
  clearTimeout(poolReload);
  poolReload = setTimeout(() => loadPool().catch(() => undefined), 500);
}

async function load() {
  const team = await every('/v1/team');
  timeZone = team.timeZone;
  for (const m of team.items) names.set(m.memberId, m.name);
  document.getElementById('zone').textContent = 'Times in ' + timeZone;
  for (const t of (await every('/v1/queue')).items) {
    tickets.set(t.ticketId, t);
    if (t.nextDeadline) deadlines.set(t.nextDeadline.clockId, { ...t.nextDeadline, ticketId: t.ticketId, status: 'running' });
  }
  clocks = (await every('/v1/sla-board')).items;
  const week = await api('/v1/kpis/weekly');
  document.querySelector('#kpis tbody').innerHTML = [{ memberId: 'team', name: 'team', ...week.team }, ...week.members].map((m) => '<tr data-member="' + text(m.memberId) + '"><td>' + text(m.name || who(m.memberId)) + '</td><td>' + m.assigned + '</td><td>' + pct(m.responseRate) + '</td><td>' + m.resolved + '</td><td>' + (m.csat === null ? '–' : m.csat.toFixed(1)) + '</td><td>' + m.escalations + '</td><td><meter min="0" max="1" low="0.8" optimum="1" value="' + (m.responseRate ?? 0) + '"></meter></td></tr>').join('');
  const most = Math.max(1, ...week.leads.map((l) => Math.max(l.received, l.expectedShare || 0)));
  document.querySelector('#leads tbody').innerHTML = week.leads.map((l) => '<tr data-member="' + text(l.memberId) + '"><td>' + text(l.name || who(l.memberId)) + '</td><td>' + l.contributed + '</td><td>' + l.received + '</td><td>' + (l.expectedShare ?? '–') + '</td><td><progress max="' + most + '" value="' + l.received + '"></progress></td></tr>').join('');
  await loadPool();
  renderQueue();
  renderSla();
}

// server-sent events over fetch (EventSource cannot send the bearer token)
async function live() {
  const response = await fetch('/v1/live', { headers: { authorization: 'Bearer ' + token(), accept: 'text/event-stream' } });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  document.getElementById('status').textContent = '● live';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\\n\\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const type = (block.match(/^event: (.*)$/m) || [])[1];
      const data = (block.match(/^data: (.*)$/m) || [])[1];
      if (!data) continue;
      const row = JSON.parse(data);
      if (type === 'ticket') { tickets.set(row.ticketId, row); renderQueue(); }
      if (type === 'clock') { onClock(row); renderSla(); renderQueue(); }
      if (type === 'member') { names.set(row.memberId, row.name); renderQueue(); }
      if (type === 'lead') poolChanged();
      // other parts of the page (the trend charts) hear of every change
      document.dispatchEvent(new CustomEvent('dashboard-change', { detail: type }));
    }
  }
  document.getElementById('status').textContent = '○ reconnecting';
  setTimeout(live, 1000);
}

async function main() {
  if (!token()) { document.getElementById('login').hidden = false; return; }
  try { await load(); } catch (e) { localStorage.removeItem('dashboardToken'); document.getElementById('login').hidden = false; return; }
  setInterval(() => { renderQueue(); renderSla(); renderPool(); }, 1000);
  live();
}
document.getElementById('login').addEventListener('submit', (e) => { e.preventDefault(); localStorage.setItem('dashboardToken', document.getElementById('token').value.trim()); location.reload(); });
main();
`;
