import { ago, COLUMN_LABELS, duration, esc, ms, tokens, usd } from '../util.js';
import { reviewControls, statSummary } from './review.js';

function holder(c) {
  if (!c.holder || c.column === 'landed') return '';
  const h = c.holder;
  const who = `${esc(h.name)}@${esc(h.host)}`;
  const kind = h.kind === 'human' ? 'person' : 'bot';
  const lease = h.expired ? 'lease expired' : `lease ${duration(h.leaseAgeSeconds)} old`;
  return `<p class="holder"><span class="badge ${kind}">${kind}</span> ${who} · ${lease}</p>`;
}

function facts(c) {
  const out = [];
  if (c.attempt) out.push(`attempt ${c.attempt.k} of ${c.attempt.n}`);
  if (c.phase) out.push(esc(c.phase));
  if (c.lastTest)
    out.push(
      `<span class="test ${c.lastTest.ok ? 'ok' : 'bad'}">tests ${c.lastTest.ok ? 'passed' : 'failed'}${
        c.lastTest.durationMs !== undefined ? ` in ${ms(c.lastTest.durationMs)}` : ''
      }</span>`,
    );
  if (c.tokens) out.push(tokens(c.tokens));
  if (c.cost) out.push(usd(c.cost));
  return out.length ? `<p class="facts">${out.join(' · ')}</p>` : '';
}

function card(c, critical) {
  const landed = c.landed?.commit
    ? `<p class="landed">${esc(c.landed.commit.slice(0, 7))}${c.landed.author ? ` by ${esc(c.landed.author)}` : ''}</p>`
    : '';
  const waiting =
    c.column === 'blocked' && c.waitingOn.length
      ? `<p class="waiting">waits on ${c.waitingOn.join(', ')}</p>`
      : '';
  const reason = c.reason ? `<p class="reason">${esc(c.reason)}</p>` : '';
  const review = c.review
    ? `<p class="review-wait">waits for your review: ${esc(statSummary(c.review.stat))}${
        c.review.terminal ? ' (the terminal asks too)' : ''
      }</p>${reviewControls(c.step, c.review)}`
    : '';
  return `<li class="card ${c.column}${critical.has(c.step) ? ' critical' : ''}" data-step="${c.step}">
<a href="#/step/${c.step}" class="card-link"><span class="num">Step ${c.step}</span> <span class="title">${esc(c.title)}</span></a>
${holder(c)}${facts(c)}${landed}${waiting}${reason}${review}
<p class="since">in ${esc(COLUMN_LABELS[c.column].toLowerCase())} for ${ago(c.since)}</p>
</li>`;
}

/** The board: one column per state, one card per step. */
export function renderBoard(main, state) {
  const critical = new Set(state.criticalPath);
  const cols = Object.keys(COLUMN_LABELS)
    .filter((col) => col !== 'review' || state.counts.review > 0)
    .map((col) => {
      const cards = state.cards.filter((c) => c.column === col);
      return `<section class="column col-${col}" aria-labelledby="h-${col}" data-column="${col}">
<h2 id="h-${col}">${COLUMN_LABELS[col]} <span class="count">${cards.length}</span></h2>
<ol class="cards">${cards.map((c) => card(c, critical)).join('')}</ol>
</section>`;
    });
  main.innerHTML = `<h2 class="sr-only">Board</h2><div class="board">${cols.join('')}</div>`;
}
