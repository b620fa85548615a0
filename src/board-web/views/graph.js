import { COLUMN_LABELS, esc, loadScript } from '../util.js';

const W = 170;
const H = 46;
let elk;
let cache = { key: '', layout: undefined };

/** Lay the DAG out with ELK (layered, left to right) in a web worker; cached per plan shape. */
async function layout(cards) {
  const key = cards.map((c) => `${c.step}:${c.dependsOn.join(',')}`).join(';');
  if (cache.key === key) return cache.layout;
  await loadScript('/vendor/elk.js');
  elk ??= new window.ELK({ workerUrl: '/vendor/elk-worker.js' });
  const known = new Set(cards.map((c) => c.step));
  const graph = {
    id: 'plan',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.thoroughness': '1',
      'elk.layered.nodePlacement.strategy': 'SIMPLE',
      'elk.spacing.nodeNode': '18',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
    },
    children: cards.map((c) => ({ id: `s${c.step}`, width: W, height: H })),
    edges: cards.flatMap((c) =>
      c.dependsOn
        .filter((d) => known.has(d))
        .map((d) => ({ id: `e${d}-${c.step}`, sources: [`s${d}`], targets: [`s${c.step}`] })),
    ),
  };
  const laid = await elk.layout(graph);
  cache = { key, layout: laid };
  return laid;
}

function edgePath(e) {
  const s = e.sections?.[0];
  if (!s) return '';
  const pts = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint];
  return pts.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

/** The dependency view: the step DAG, the critical path and the ready frontier highlighted. */
export async function renderGraph(main, state) {
  if (!main.querySelector('.graph')) {
    main.innerHTML = `<section class="graph" aria-labelledby="h-graph">
<h2 id="h-graph">Dependencies</h2>
<p class="legend"><span class="key critical">critical path</span> <span class="key frontier">ready now</span> <span class="key landed">landed</span> <span class="key failed">failed</span></p>
<p class="summary" id="graph-summary"></p>
<div class="graph-canvas" id="graph-canvas"><p>Laying out ${state.cards.length} steps…</p></div>
</section>`;
  }
  const laid = await layout(state.cards);
  const canvas = main.querySelector('#graph-canvas');
  if (!canvas) return; // the view changed while the layout ran
  const byId = new Map(state.cards.map((c) => [`s${c.step}`, c]));
  const critical = new Set(state.criticalPath);
  const criticalEdges = new Set(state.criticalPath.slice(1).map((n, i) => `e${state.criticalPath[i]}-${n}`));
  const frontier = new Set(state.frontier);
  const edges = laid.edges
    .map(
      (e) =>
        `<path class="edge${criticalEdges.has(e.id) ? ' critical' : ''}" d="${edgePath(e)}" marker-end="url(#arrow)"/>`,
    )
    .join('');
  const nodes = laid.children
    .map((n) => {
      const c = byId.get(n.id);
      const cls = [
        c.column,
        critical.has(c.step) ? 'critical' : '',
        frontier.has(c.step) ? 'frontier' : '',
      ].join(' ');
      const title = c.title.length > 22 ? `${c.title.slice(0, 21)}…` : c.title;
      return `<a href="#/step/${c.step}" class="node-link" aria-label="Step ${c.step}: ${esc(c.title)} (${COLUMN_LABELS[c.column]})">
<g class="node ${cls}" transform="translate(${n.x},${n.y})"><rect width="${W}" height="${H}" rx="6"/>
<text x="8" y="18" class="n">Step ${c.step}</text><text x="8" y="36">${esc(title)}</text></g></a>`;
    })
    .join('');
  canvas.innerHTML = `<svg role="group" aria-label="Step dependency graph" width="${Math.ceil(laid.width)}" height="${Math.ceil(laid.height)}" viewBox="0 0 ${Math.ceil(laid.width)} ${Math.ceil(laid.height)}">

<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>
${edges}${nodes}</svg>`;
  const summary = main.querySelector('#graph-summary');
  summary.textContent = `Critical path (${state.criticalPath.length} steps left): ${
    state.criticalPath.join(' → ') || 'none'
  }. Ready now: ${state.frontier.join(', ') || 'none'}.`;
}
