// the page's Trends section: four charts drawn by uPlot (on canvas, from /vendor/uplot.js) and, beside each, a
// table of the same figures filled by the same code, which a screen reader (and the page's test) reads. The
// script runs after the page's own (/app.js) and uses its helpers (api, text, teamTime); the weekly charts are
// read when the page loads, the queue depth and the breaches again when the live stream says a ticket or a
// clock changed (at most every 5 s).

const figure = (id: string, caption: string) =>
  `<figure class="trend" id="${id}"><figcaption>${caption}</figcaption><div class="plot"></div>` +
  `<details><summary>Figures</summary><table class="figures"></table></details></figure>`;

export const TRENDS_SECTION = `<h2>Trends</h2>
<div class="charts">
${figure('trend-rates', 'Response and resolution rate, last 12 weeks')}
${figure('trend-compliance', 'SLA compliance per rule, last 12 weeks')}
${figure('trend-depth', 'Queue depth at the end of each hour, last 24 hours')}
${figure('trend-breaches', 'SLA breaches per day, last 28 days')}
</div>`;

export const TRENDS_STYLE = `  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(30rem, 1fr)); gap: 1rem 2rem; }
  figure.trend { margin: 0; min-width: 0; } figcaption { font-weight: 600; font-size: .9rem; margin-bottom: .3rem; }
  figure.trend details { font-size: .8rem; color: #444; } figure.trend table { width: auto; }
`;

export const TRENDS_SCRIPT = `const TREND_COLOURS = ['#1f6fb4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];
const trendCharts = new Map();
const percent = (value) => (value === null || value === undefined ? '–' : Math.round(value * 100) + '%');
const count = (value) => String(value);

// one chart and its table: x is the index of a label; each series' values as the API gives them. kind: line,
// steps, bars (one series centred on its label) or pairs (two series' bars side by side, the first left of it)
function trendChart(id, { xName, labels, axisLabel, yLabel, series, format, scale = 1, kind = 'line' }) {
  const figure = document.getElementById(id);
  const plot = figure.querySelector('.plot');
  const barred = kind === 'bars' || kind === 'pairs';
  const path = (k) =>
    kind === 'bars' ? uPlot.paths.bars({ size: [0.6, 40] }) : kind === 'pairs' ? uPlot.paths.bars({ size: [0.3, 20], align: k === 0 ? -1 : 1 }) : kind === 'steps' ? uPlot.paths.stepped({ align: 1 }) : undefined;
  const scaled = (values) => values.map((v) => (v === null || v === undefined ? null : v * scale));
  const options = {
    width: Math.max(280, plot.clientWidth),
    height: 220,
    scales: {
      x: { time: false, range: [-0.5, labels.length - 0.5] },
      y: { range: scale === 100 ? [0, 100] : (u, min, max) => [0, Math.max(4, max)] },
    },
    axes: [
      { label: xName, incrs: [1, 2, 3, 4, 6, 7, 12], space: 36, values: (u, splits) => splits.map((i) => (Number.isInteger(i) && labels[i] !== undefined ? axisLabel(labels[i]) : '')) },
      { label: yLabel, incrs: [1, 2, 5, 10, 20, 25, 50, 100], values: (u, splits) => splits.map((v) => v + (scale === 100 ? '%' : '')) },
    ],
    series: [
      { label: xName, value: (u, i) => (i === null || labels[i] === undefined ? '' : labels[i]) },
      ...series.map((s, k) => ({
        label: s.label,
        stroke: TREND_COLOURS[k % TREND_COLOURS.length],
        fill: barred ? TREND_COLOURS[k % TREND_COLOURS.length] + '99' : undefined,
        // bars only filled: a day without breaches shows no bar at all
        width: barred ? 0 : 2,
        paths: path(k),
        points: { show: kind === 'line', size: 6 },
        value: (u, v) => (v === null || v === undefined ? '–' : format(v / scale)),
      })),
    ],
  };
  if (trendCharts.has(id)) trendCharts.get(id).destroy();
  trendCharts.set(id, new uPlot(options, [labels.map((_, i) => i), ...series.map((s) => scaled(s.values))], plot));
  figure.querySelector('table.figures').innerHTML =
    '<thead><tr><th>' + text(xName) + '</th>' + series.map((s) => '<th>' + text(s.label) + '</th>').join('') + '</tr></thead><tbody>' +
    labels.map((label, i) => '<tr data-x="' + text(label) + '"><td>' + text(label) + '</td>' +
      series.map((s) => '<td data-series="' + text(s.key) + '" data-value="' + text(s.values[i] === null ? '' : s.values[i]) + '">' + text(format(s.values[i])) + '</td>').join('') + '</tr>').join('') +
    '</tbody>';
  figure.dataset.points = String(labels.length);
}

async function loadWeeklyTrends() {
  const [rates, compliance] = await Promise.all([api('/v1/trends/rates'), api('/v1/trends/sla-compliance')]);
  const week = (w) => w.slice(5);
  trendChart('trend-rates', {
    xName: 'week', labels: rates.weeks.map((w) => w.week), axisLabel: week, yLabel: 'rate', format: percent, scale: 100,
    series: [
      { key: 'responseRate', label: 'response rate', values: rates.weeks.map((w) => w.responseRate) },
      { key: 'resolutionRate', label: 'resolution rate', values: rates.weeks.map((w) => w.resolutionRate) },
    ],
  });
  trendChart('trend-compliance', {
    xName: 'week', labels: compliance.weeks.map((w) => w.week), axisLabel: week, yLabel: 'met within target', format: percent, scale: 100,
    series: compliance.rules.map((ruleId, k) => ({ key: ruleId, label: ruleId, values: compliance.weeks.map((w) => w.rules[k].compliance) })),
  });
}

async function loadDailyTrends() {
  const [depth, breaches] = await Promise.all([api('/v1/trends/queue-depth'), api('/v1/trends/breaches')]);
  trendChart('trend-depth', {
    xName: 'hour', labels: depth.hours.map((h) => teamTime(h.from, depth.timeZone)), axisLabel: (label) => label.slice(11), yLabel: 'open tickets', format: count, kind: 'steps',
    series: [{ key: 'depth', label: 'open tickets', values: depth.hours.map((h) => h.depth) }],
  });
  trendChart('trend-breaches', {
    xName: 'day', labels: breaches.days.map((d) => d.day), axisLabel: (label) => label.slice(5), yLabel: 'breaches', format: count, kind: 'bars',
    series: [{ key: 'breaches', label: 'breaches', values: breaches.days.map((d) => d.breaches) }],
  });
}

let trendReload;
document.addEventListener('dashboard-change', (event) => {
  if (!['ticket', 'clock'].includes(event.detail) || trendReload) return;
  trendReload = setTimeout(() => { trendReload = undefined; loadDailyTrends().catch(() => undefined); }, 5000);
});
window.addEventListener('resize', () => {
  for (const chart of trendCharts.values()) chart.setSize({ width: Math.max(280, chart.root.parentElement.clientWidth), height: 220 });
});
if (token()) Promise.all([loadWeeklyTrends(), loadDailyTrends()]).then(() => { document.querySelector('.charts').dataset.loaded = 'true'; }, () => undefined);
`;
