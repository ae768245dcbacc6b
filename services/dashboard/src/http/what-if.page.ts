// the page's What if? section: a lead gives a past period and, per part, the owning service's proposal (JSON);
// the page posts it to /v1/simulations and shows each part's headline figures as bars (actual beside proposed,
// drawn by the trends' chart code) and every figure in a table, with what each replay assumed. The answer can
// be downloaded as the JSON it came as (its bytes, as the API answered), or as CSV (the same request with
// Accept: text/csv). A new replay first clears the last one's answer, so a refusal never stands beside it.

const PART_LABEL = { sla: 'SLA (sla-monitor)', routing: 'Routing (routing)', leads: 'Lead pool (lead-pool)' };

const part = (name: keyof typeof PART_LABEL, placeholder: string) =>
  `<label class="what-if-part">${PART_LABEL[name]}<textarea name="${name}" rows="4" placeholder='${placeholder}'></textarea></label>`;

export const WHAT_IF_SECTION = `<h2>What if?</h2>
<form id="what-if-form">
<p><label>from <input name="from" size="26" placeholder="2026-03-02T00:00:00+08:00"></label>
<label>to <input name="to" size="26" placeholder="2026-03-09T00:00:00+08:00"></label>
<button>Replay</button> <button type="button" id="what-if-json" disabled>Download JSON</button> <button type="button" id="what-if-csv" disabled>Download CSV</button>
<span id="what-if-status"></span></p>
<div class="what-if-parts">
${part('sla', '{"policy": {"rules": [...], "calendar": {...}}}')}
${part('routing', '{"roster": {"members": [{"memberId": "agent-2", "capacity": 8}]}}')}
${part('leads', '{"ratios": [{"memberId": "agent-1", "weight": 2}]}')}
</div>
</form>
<div id="what-if-result" class="charts"></div>
<ul id="what-if-assumptions"></ul>`;

export const WHAT_IF_STYLE = `  .what-if-parts { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: .5rem 1rem; }
  .what-if-part textarea { display: block; width: 100%; font-family: monospace; font-size: .8rem; }
  #what-if-status { color: #666; font-size: .85rem; } #what-if-status.error { color: #b00; }
  td.better { color: #2a7d2a; } td.worse { color: #b00; }
`;

export const WHAT_IF_SCRIPT = `const WHAT_IF_PARTS = ${JSON.stringify(PART_LABEL)};
const whatIfForm = document.getElementById('what-if-form');
const whatIfStatus = (message, error = false) => { const s = document.getElementById('what-if-status'); s.textContent = message; s.className = error ? 'error' : ''; };
// the last answer shown: the request, the answer and its text as received; replays counts them, so an answer that
// arrives after a later replay began is dropped
let whatIfAnswer;
let whatIfReplays = 0;

function whatIfRequest() {
  const fields = whatIfForm.elements;
  const body = { from: fields.from.value.trim(), to: fields.to.value.trim() };
  for (const name of Object.keys(WHAT_IF_PARTS)) {
    const given = fields[name].value.trim();
    if (!given) continue;
    try { body[name] = JSON.parse(given); } catch (error) { throw new Error(name + ' is not JSON: ' + error.message); }
  }
  return body;
}

const postWhatIf = (body, accept) =>
  fetch('/v1/simulations', { method: 'POST', headers: { authorization: 'Bearer ' + token(), 'content-type': 'application/json', accept }, body: JSON.stringify(body) });

function download(name, type, content) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([content], { type }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

function clearWhatIf() {
  whatIfAnswer = undefined;
  document.getElementById('what-if-json').disabled = true;
  document.getElementById('what-if-csv').disabled = true;
  for (const name of Object.keys(WHAT_IF_PARTS)) {
    const id = 'what-if-' + name;
    if (trendCharts.has(id)) { trendCharts.get(id).destroy(); trendCharts.delete(id); }
  }
  const result = document.getElementById('what-if-result');
  result.innerHTML = '';
  delete result.dataset.loaded;
  document.getElementById('what-if-assumptions').innerHTML = '';
}

// a part's headline figures (the outcome's own numbers, not those of its lists) as bars; all in the table
function showWhatIf(answer) {
  const result = document.getElementById('what-if-result');
  for (const name of Object.keys(WHAT_IF_PARTS)) {
    const rows = answer.comparison.filter((row) => row.part === name);
    if (rows.length === 0) continue;
    const id = 'what-if-' + name;
    result.insertAdjacentHTML('beforeend', '<figure class="trend" id="' + id + '"><figcaption>' + text(WHAT_IF_PARTS[name]) + '</figcaption><div class="plot"></div>' +
      '<details open><summary>Figures</summary><table class="figures"></table></details></figure>');
    const headline = rows.filter((row) => !/[.[]/.test(row.measure));
    trendChart(id, {
      xName: 'figure', labels: headline.map((row) => row.measure), axisLabel: (label) => label, yLabel: 'actual / proposed', format: count, kind: 'pairs',
      series: [
        { key: 'actual', label: 'actual', values: headline.map((row) => row.actual) },
        { key: 'proposed', label: 'proposed', values: headline.map((row) => row.proposed) },
      ],
    });
    document.querySelector('#' + id + ' table.figures').innerHTML =
      '<thead><tr><th>figure</th><th>actual</th><th>proposed</th><th>change</th></tr></thead><tbody>' +
      rows.map((row) => '<tr data-measure="' + text(row.measure) + '"><td>' + text(row.measure) + '</td><td>' + text(row.actual ?? '–') + '</td><td>' +
        text(row.proposed ?? '–') + '</td><td>' + text(row.change === null ? '–' : (row.change > 0 ? '+' : '') + row.change) + '</td></tr>').join('') + '</tbody>';
  }
  document.getElementById('what-if-assumptions').innerHTML = answer.assumptions.map((a) => '<li>' + text(WHAT_IF_PARTS[a.part]) + ': ' + text(a.text) + '</li>').join('');
  result.dataset.loaded = 'true';
}

// a refusal as the API words it (its messages name the field), else the status
async function whatIfProblem(response) {
  const said = await response.json().catch(() => ({}));
  return new Error([].concat(said.message || said.detail || 'the dashboard answered ' + response.status).join('; '));
}

whatIfForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const replay = ++whatIfReplays;
  clearWhatIf();
  try {
    const body = whatIfRequest();
    whatIfStatus('replaying…');
    const response = await postWhatIf(body, 'application/json');
    if (!response.ok) throw await whatIfProblem(response);
    const json = await response.text();
    const answer = JSON.parse(json);
    if (replay !== whatIfReplays) return;
    whatIfAnswer = { body, answer, json };
    showWhatIf(answer);
    document.getElementById('what-if-json').disabled = false;
    document.getElementById('what-if-csv').disabled = false;
    whatIfStatus('replayed ' + answer.period.from + ' to ' + answer.period.to);
  } catch (error) {
    if (replay === whatIfReplays) whatIfStatus(error.message, true);
  }
});
document.getElementById('what-if-json').addEventListener('click', () => {
  const { from, to } = whatIfAnswer.answer.period;
  download('what-if-' + from.slice(0, 10) + '-to-' + to.slice(0, 10) + '.json', 'application/json', whatIfAnswer.json);
});
document.getElementById('what-if-csv').addEventListener('click', async () => {
  try {
    const response = await postWhatIf(whatIfAnswer.body, 'text/csv');
    if (!response.ok) throw await whatIfProblem(response);
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') || '');
    download(name ? name[1] : 'what-if.csv', 'text/csv', await response.text());
  } catch (error) {
    whatIfStatus(error.message, true);
  }
});
`;
