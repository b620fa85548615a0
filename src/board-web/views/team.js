import { ago, esc, getJson, loadCss, loadScript, tokens, usd } from '../util.js';

let plot;

async function chart(el, series) {
  loadCss('/vendor/uplot.css');
  await loadScript('/vendor/uplot.js');
  plot?.destroy();
  plot = undefined;
  if (series.t.length < 1) {
    el.innerHTML = '<p>Nothing landed or spent yet.</p>';
    return;
  }
  const opts = {
    title: 'Steps landed and cost over time',
    width: Math.min(900, el.clientWidth || 900),
    height: 280,
    // From zero; a run that spent nothing yet keeps a cents-sized axis, not 0..100 dollars.
    scales: {
      x: { time: true },
      y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
      cost: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 0.1] },
    },
    series: [
      {},
      {
        label: 'steps landed',
        stroke: '#2563eb',
        width: 2,
        scale: 'y',
        paths: window.uPlot.paths.stepped({ align: 1 }),
      },
      {
        label: 'cost (USD)',
        stroke: '#b45309',
        width: 2,
        scale: 'cost',
        value: (_u, v) => (v == null ? '' : usd(v)),
      },
    ],
    axes: [
      {},
      { scale: 'y', label: 'steps' },
      { scale: 'cost', side: 1, label: 'USD', grid: { show: false } },
    ],
  };
  el.innerHTML = '';
  plot = new window.uPlot(opts, [series.t, series.landed, series.cost], el);
}

/** What steps landed from other checkouts cost, as their commits' trailers say (empty when none). */
function fromCommits(f) {
  if (!f?.steps) return '';
  const used =
    f.inputTokens || f.outputTokens ? ` (${tokens({ input: f.inputTokens, output: f.outputTokens })})` : '';
  return ` Landed from other checkouts: ${usd(f.cost) || '$0'} over ${f.steps} step${f.steps === 1 ? '' : 's'}${used}, from their commits.`;
}

/** The team view: members seen on the remote, steps per member, cost and throughput over time. */
export async function renderTeam(main, state) {
  const v = await getJson('/api/team');
  const rows = v.members
    .map(
      (m) => `<tr><th scope="row">${esc(m.name)}</th><td>${esc(m.hosts.join(', ')) || '—'}</td>
<td>${m.claims.map((n) => `<a href="#/step/${n}">${n}</a>`).join(', ') || '—'}</td>
<td>${m.landed.map((n) => `<a href="#/step/${n}">${n}</a>`).join(', ') || '—'}</td>
<td>${m.landed.length}</td><td>${m.cost !== undefined ? usd(m.cost) : '—'}</td><td>${m.lastActivity ? `${ago(m.lastActivity)} ago` : '—'}</td></tr>`,
    )
    .join('');
  const remote = state.team
    ? `${esc(state.team.remote)}/${esc(state.team.branch)} at ${esc(state.team.tip.slice(0, 7))}, fetched ${ago(state.team.fetchedAt)} ago`
    : 'no team remote: a solo board';
  main.innerHTML = `<section class="team" aria-labelledby="h-team">
<h2 id="h-team">Team</h2>
<p class="summary">${remote}. Spent here so far: ${usd(v.totals.cost) || '$0'} over ${v.totals.calls} ${
    v.totals.source === 'attempts'
      ? `recorded attempt${v.totals.calls === 1 ? '' : 's'}`
      : `model call${v.totals.calls === 1 ? '' : 's'}`
  }${v.totals.inputTokens || v.totals.outputTokens ? ` (${tokens({ input: v.totals.inputTokens, output: v.totals.outputTokens })})` : ''}.${fromCommits(v.fromCommits)}</p>
<table class="members"><caption>Members seen on the board</caption>
<thead><tr><th scope="col">Member</th><th scope="col">Hosts</th><th scope="col">Claims</th><th scope="col">Landed steps</th><th scope="col">Steps landed</th><th scope="col">Cost of landed steps</th><th scope="col">Last activity</th></tr></thead>
<tbody>${rows || '<tr><td colspan="7">No one has claimed or landed a step yet.</td></tr>'}</tbody></table>
<h3>Cost and throughput</h3>
<div id="chart" class="chart" role="img" aria-label="Chart: ${v.series.landed.at(-1) ?? 0} steps landed, ${usd(v.series.cost.at(-1) ?? 0)} spent"></div>
</section>`;
  await chart(main.querySelector('#chart'), v.series);
}
