// specloop board: a hash-routed page over /api/*, kept live by Server-Sent Events.
import { act, getJson } from './util.js';
import { renderBoard } from './views/board.js';
import { renderGraph } from './views/graph.js';
import { keepDrafts, wireReview } from './views/review.js';
import { renderStep } from './views/step.js';
import { renderTeam } from './views/team.js';

const main = document.getElementById('main');
const live = document.getElementById('live');
let state;
let rendering = Promise.resolve();

function toast(message, bad = false) {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.className = `toast show${bad ? ' bad' : ''}`;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.className = 'toast'), 6000);
}

function route() {
  const [, view = 'board', arg] = location.hash.split('/');
  return { view: ['board', 'graph', 'team', 'step'].includes(view) ? view : 'board', arg };
}

function header() {
  document.getElementById('project').textContent = `· ${state.project.name}`;
  const parts = [
    state.project.planPath,
    state.project.branch ? `on ${state.project.branch}` : 'detached HEAD',
  ];
  if (state.team) parts.push(`team ${state.team.remote}/${state.team.branch}`);
  const c = state.counts;
  parts.push(`${c.landed} of ${state.cards.length} landed`);
  if (state.run.active) parts.push(`running step ${state.run.active}`);
  if (c.review) parts.push(`${c.review} waiting for review`);
  if (state.run.paused) parts.push(`paused${state.run.pausedBy ? ` by ${state.run.pausedBy}` : ''}`);
  document.getElementById('meta').textContent = parts.join(' · ');
  document.getElementById('pause').hidden = state.run.paused;
  document.getElementById('resume').hidden = !state.run.paused;
  const w = document.getElementById('warnings');
  w.hidden = state.warnings.length === 0;
  w.textContent = state.warnings.join(' · ');
  for (const a of document.querySelectorAll('.tabs a'))
    a.setAttribute('aria-current', a.dataset.view === route().view ? 'page' : 'false');
}

async function render(reason) {
  if (!state) return;
  header();
  const r = route();
  if (r.view === 'board') {
    const focused = document.activeElement?.matches?.('.card-link')
      ? document.activeElement.closest('.card')?.dataset.step
      : undefined;
    keepDrafts(main, () => renderBoard(main, state));
    if (focused) main.querySelector(`.card[data-step="${focused}"] .card-link`)?.focus();
  } else if (r.view === 'graph') await renderGraph(main, state);
  else if (r.view === 'team') {
    // Lease ages change on every fetch; the team view is redrawn when who-holds-what changes.
    const key = JSON.stringify([state.team?.tip, state.cards.map((c) => [c.column, c.holder?.name])]);
    if (reason === 'live' && key === render.lastTeam) return;
    render.lastTeam = key;
    await renderTeam(main, state);
  } else if (r.view === 'step') {
    // A live update re-renders the step page only when its own card changed (keeps open details, scroll).
    // A lease's age changes on every fetch of the remote: not a reason to redraw (and replace
    // the buttons under the pointer).
    const card = JSON.stringify(
      state.cards.find((c) => String(c.step) === r.arg),
      (k, v) => (k === 'leaseAgeSeconds' || k === 'expiresInSeconds' ? undefined : v),
    );
    if (reason === 'live' && card === render.lastCard) return;
    render.lastCard = card;
    await keepDrafts(main, () => renderStep(main, Number(r.arg), state, toast));
  }
  document.body.dataset.rendered = r.view;
  document.body.dataset.generated = state.generatedAt;
}

function schedule(reason) {
  rendering = rendering
    .then(() => render(reason))
    .catch((err) => toast(`could not show this view: ${err.message}`, true));
  return rendering;
}

let es;
function connect() {
  es = new EventSource('/api/events');
  es.addEventListener('open', () => (live.textContent = 'live'));
  es.addEventListener('state', (e) => {
    state = JSON.parse(e.data);
    live.textContent = 'live';
    schedule('live');
  });
  es.addEventListener('problem', (e) => toast(JSON.parse(e.data).message, true));
  es.addEventListener('error', () => (live.textContent = 'reconnecting…'));
}

for (const [id, name] of [
  ['pause', 'pause'],
  ['resume', 'resume'],
])
  document.getElementById(id).addEventListener('click', async () => {
    try {
      toast((await act(name)).message);
    } catch (err) {
      toast(err.message, true);
    }
  });

wireReview(main, act, toast);

// A browser keeps ~6 connections per host: a hidden tab gives its event stream back, so many
// open board tabs never starve each other; it reconnects (and gets the state) when shown.
document.addEventListener('visibilitychange', () => {
  if (document.hidden) {
    es?.close();
    es = undefined;
    live.textContent = 'paused while hidden';
  } else if (!es) connect();
});

window.addEventListener('hashchange', () => {
  // Clear the old view at once: a button of the previous step must never be clickable here.
  main.innerHTML = '<p class="loading">Loading…</p>';
  render.lastCard = undefined;
  render.lastTeam = undefined;
  schedule('route').then(() => main.focus({ preventScroll: true }));
});

// Keyboard: g b / g d / g t switch views; on the board, arrow keys move between cards.
let pendingG = false;
document.addEventListener('keydown', (e) => {
  if (e.target.closest('input, textarea, select') || e.ctrlKey || e.metaKey || e.altKey) return;
  if (pendingG) {
    pendingG = false;
    const to = { b: 'board', d: 'graph', t: 'team' }[e.key];
    if (to) location.hash = `#/${to}`;
    return;
  }
  if (e.key === 'g') pendingG = true;
  const link = e.target.closest?.('.card-link');
  if (!link || !['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight'].includes(e.key)) return;
  const links = [...document.querySelectorAll('.card-link')];
  const col = (el) => el.closest('.column');
  const i = links.indexOf(link);
  let next;
  if (e.key === 'ArrowDown') next = links[i + 1];
  if (e.key === 'ArrowUp') next = links[i - 1];
  if (e.key === 'ArrowRight') next = links.slice(i + 1).find((l) => col(l) !== col(link));
  if (e.key === 'ArrowLeft')
    next = links
      .slice(0, i)
      .reverse()
      .find((l) => col(l) !== col(link));
  if (next) {
    e.preventDefault();
    next.focus();
  }
});

// "In its column for N min" ages without any change: refresh the board's text now and then.
setInterval(() => {
  if (route().view === 'board') schedule('tick');
}, 15_000);

getJson('/api/state')
  .then((s) => {
    state ??= s;
    return schedule('route');
  })
  .catch((err) => toast(err.message, true));
connect();
