import { act, ago, COLUMN_LABELS, esc, getJson, loadCss, loadScript, ms, tokens, usd } from '../util.js';
import { reviewControls } from './review.js';

/** Lines that say a test failed, for highlighting (TAP, node:test, vitest/jest, pytest, go, cargo). */
const FAILURE = /(\bfail(ed|ure|ing)?\b|\berror\b|✗|✖|×|\bnot ok\b|assert|expected|panicked|traceback)/i;

function highlightFailures(text) {
  return text
    .split('\n')
    .map((l) => (FAILURE.test(l) ? `<mark class="fail-line">${esc(l)}</mark>` : esc(l)))
    .join('\n');
}

function attempt(a, open) {
  const state = a.ok === true ? 'passed' : a.ok === false ? 'rejected' : 'recorded';
  const parts = [];
  if (a.reason) parts.push(`<p class="reason"><strong>Why it was rejected:</strong> ${esc(a.reason)}</p>`);
  if (a.testOutput)
    parts.push(
      `<h4>Test output</h4><pre class="test-output" tabindex="0" aria-label="Test output of attempt ${a.attempt}">${highlightFailures(a.testOutput)}</pre>`,
    );
  if (a.transcript)
    parts.push(
      `<h4>Agent output</h4><pre class="transcript" tabindex="0" aria-label="Agent output of attempt ${a.attempt}">${esc(a.transcript)}</pre>`,
    );
  if (a.prompt)
    parts.push(
      `<details><summary>Prompt of this attempt</summary><pre tabindex="0">${esc(a.prompt)}</pre></details>`,
    );
  if (a.diff)
    parts.push(
      `<details><summary>Diff of this attempt</summary><pre tabindex="0">${esc(a.diff)}</pre></details>`,
    );
  if (a.files.length) parts.push(`<p class="files">Other files: ${a.files.map(esc).join(', ')}</p>`);
  const facts = [
    a.testDurationMs !== undefined ? `tests ${ms(a.testDurationMs)}` : '',
    a.inputTokens || a.outputTokens ? tokens({ input: a.inputTokens ?? 0, output: a.outputTokens ?? 0 }) : '',
    a.cost ? usd(a.cost) : '',
  ].filter(Boolean);
  return `<details class="attempt ${state}"${open ? ' open' : ''}><summary>Attempt ${a.attempt} · run ${esc(a.runId)} · <span class="verdict">${state}</span>${
    facts.length ? ` <span class="attempt-facts">· ${facts.join(' · ')}</span>` : ''
  }</summary>${parts.join('')}</details>`;
}

function actions(card, team) {
  const b = [];
  if (team && card.column !== 'landed') {
    if (!card.holder || card.holder.expired)
      b.push(`<button type="button" class="btn" data-act="claim">Claim step ${card.step}</button>`);
    else
      b.push(
        `<button type="button" class="btn" data-act="release">Release claim of ${esc(card.holder.name)}</button>`,
      );
  }
  if (card.column === 'landed' && card.landed?.commit)
    b.push(`<button type="button" class="btn" data-act="undo">Undo step ${card.step}</button>`);
  if (card.column === 'failed')
    b.push(`<button type="button" class="btn" data-act="retry">Retry step ${card.step}</button>`);
  return b.length ? `<div class="actions" role="group" aria-label="Actions">${b.join(' ')}</div>` : '';
}

let diffMode = 'line-by-line';

/** The change waiting at the review gate: stat, test result and output, the diff, the answers. */
function reviewSection(n, r) {
  const t = r.test;
  const tests = t
    ? `<p class="test ${t.ok ? 'ok' : 'bad'}">tests ${t.ok ? 'passed' : 'failed'}: <code>${esc(t.command)}</code> in ${ms(t.durationMs)}</p>`
    : '<p>tests: not run</p>';
  const out = r.testOutput
    ? `<details><summary>Test output</summary><pre class="test-output" tabindex="0" aria-label="Test output of the change in review">${esc(r.testOutput)}</pre></details>`
    : '';
  return `<section aria-labelledby="h-review" class="review-section"><h3 id="h-review">Waiting for your review (attempt ${r.attempt})</h3>
<pre class="review-stat" tabindex="0" aria-label="Files changed">${esc(r.stat || '(no diff)')}</pre>
${tests}${out}
${reviewControls(n, r, { full: true })}
<div id="review-diff"></div></section>`;
}

async function renderDiff(el, diff) {
  loadCss('/vendor/diff2html.css');
  await loadScript('/vendor/diff2html.js');
  const ui = new window.Diff2HtmlUI(el, diff.patch, {
    drawFileList: true,
    matching: 'lines',
    outputFormat: diffMode,
    highlight: true,
    fileListToggle: false,
    fileContentToggle: false,
  });
  ui.draw();
  ui.highlightCode();
}

/** The step page: prompt, attempts (output, failing tests, reasons), the landed diff, and actions. */
export async function renderStep(main, n, state, toast) {
  const d = await getJson(`/api/steps/${n}`);
  const c = d.card;
  const holder = c.holder ? `${esc(c.holder.name)}@${esc(c.holder.host)} (${c.holder.kind})` : '—';
  const landed = d.diff
    ? `<section aria-labelledby="h-diff" class="diff-section"><h3 id="h-diff">Landed commit</h3>
<p class="commit">commit <code>${esc(d.diff.commit)}</code> by ${esc(d.diff.author)} · ${esc(d.diff.at)} · ${esc(d.diff.subject)}</p>
<div class="diff-toggle" role="group" aria-label="Diff layout">
<button type="button" class="btn" data-diff="line-by-line" aria-pressed="${diffMode === 'line-by-line'}">Unified</button>
<button type="button" class="btn" data-diff="side-by-side" aria-pressed="${diffMode === 'side-by-side'}">Side by side</button></div>
<div id="diff"></div></section>`
    : '';
  main.innerHTML = `<article class="step-page" aria-labelledby="h-step">
<p><a href="#/board">← Board</a></p>
<h2 id="h-step">Step ${c.step}: ${esc(c.title)}</h2>
<dl class="kv">
<dt>State</dt><dd class="state ${c.column}">${COLUMN_LABELS[c.column]}${c.phase ? ` (${esc(c.phase)})` : ''} for ${ago(c.since)}</dd>
<dt>Depends on</dt><dd>${c.dependsOn.join(', ') || 'nothing'}</dd>
<dt>Held by</dt><dd>${holder}</dd>
<dt>Attempt</dt><dd>${c.attempt ? `${c.attempt.k} of ${c.attempt.n}` : '—'}</dd>
<dt>Tokens · cost</dt><dd>${tokens(c.tokens) || '—'} ${c.cost ? `· ${usd(c.cost)}` : ''}${c.usageFrom === 'commit' ? ' (from the landing commit)' : ''}</dd>
${c.reason ? `<dt>Reason</dt><dd class="reason">${esc(c.reason)}</dd>` : ''}
</dl>
${actions(c, Boolean(state.team))}
${d.review ? reviewSection(c.step, d.review) : ''}
<section aria-labelledby="h-prompt"><h3 id="h-prompt">Prompt</h3><pre class="prompt" tabindex="0" aria-label="Prompt of step ${c.step}">${esc(d.prompt)}</pre></section>
<section aria-labelledby="h-attempts"><h3 id="h-attempts">Attempts</h3>
${d.attempts.length ? d.attempts.map((a, i) => attempt(a, i === d.attempts.length - 1)).join('') : c.usageFrom === 'commit' ? '<p>No attempt recorded in this checkout: the step landed from another one.</p>' : '<p>No attempt recorded yet.</p>'}
</section>
${landed}
</article>`;
  for (const b of main.querySelectorAll('[data-act]'))
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        const r = await act(b.dataset.act, { step: c.step });
        toast(r.message);
      } catch (err) {
        toast(err.message, true);
      } finally {
        b.disabled = false;
      }
    });
  if (d.review?.diff) await renderDiff(main.querySelector('#review-diff'), { patch: d.review.diff });
  if (d.diff) {
    for (const b of main.querySelectorAll('[data-diff]'))
      b.addEventListener('click', () => {
        diffMode = b.dataset.diff;
        for (const o of main.querySelectorAll('[data-diff]')) o.setAttribute('aria-pressed', String(o === b));
        main.querySelector('#diff').innerHTML = '';
        renderDiff(main.querySelector('#diff'), d.diff);
      });
    await renderDiff(main.querySelector('#diff'), d.diff);
  }
}
