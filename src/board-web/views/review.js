import { esc } from '../util.js';

/**
 * The review gate's controls (a step waiting in `run --review`): Accept, Reject with a
 * comment, and on the step page also Skip and Stop. Every button posts the `review` action
 * with the question's id; app.js wires them (one listener for every view).
 */
export function reviewControls(step, review, { full = false } = {}) {
  const ids = `data-step="${step}" data-id="${esc(review.id)}"`;
  const more = full
    ? ` <button type="button" class="btn" data-review="skip" ${ids}>Skip step ${step}</button>
<button type="button" class="btn" data-review="stop" ${ids}>Stop the run</button>`
    : '';
  return `<div class="review-box" role="group" aria-label="Review of step ${step}">
<button type="button" class="btn primary" data-review="accept" ${ids}>Accept step ${step}</button>${more}
<details class="review-reject"${full ? ' open' : ''}><summary>Reject with a comment</summary>
<form class="review-form" ${ids}>
<label for="rc-${full ? 'p' : 'c'}-${step}">What should change? (the next attempt gets it)</label>
<textarea id="rc-${full ? 'p' : 'c'}-${step}" name="comment" rows="3" required></textarea>
<button type="submit" class="btn">Reject step ${step}</button>
</form></details></div>`;
}

/** The last line of a diff stat ("2 files changed, 6 insertions(+)"). */
export function statSummary(stat) {
  return (stat || '').trim().split('\n').at(-1)?.trim() || 'no diff';
}

/** Keep what the user typed (and which box was open or focused) across a live re-render. */
export function keepDrafts(main, renderFn) {
  const drafts = new Map();
  for (const f of main.querySelectorAll('form.review-form')) {
    const t = f.querySelector('textarea');
    drafts.set(`${f.dataset.step}/${f.dataset.id}`, {
      value: t.value,
      open: f.closest('details')?.open,
      focused: document.activeElement === t,
      sel: [t.selectionStart, t.selectionEnd],
    });
  }
  const restore = () => {
    for (const f of main.querySelectorAll('form.review-form')) {
      const d = drafts.get(`${f.dataset.step}/${f.dataset.id}`);
      if (!d) continue;
      const t = f.querySelector('textarea');
      t.value = d.value;
      if (d.open) f.closest('details').open = true;
      if (d.focused) {
        t.focus();
        t.setSelectionRange(d.sel[0], d.sel[1]);
      }
    }
  };
  const r = renderFn();
  if (r && typeof r.then === 'function') return r.then(restore);
  restore();
}

/** One listener on the main element answers every review control, whatever view drew it. */
export function wireReview(main, act, toast) {
  const send = async (el, body) => {
    for (const b of el.closest('.review-box').querySelectorAll('button')) b.disabled = true;
    try {
      toast((await act('review', body)).message);
    } catch (err) {
      toast(err.message, true);
      for (const b of el.closest('.review-box').querySelectorAll('button')) b.disabled = false;
    }
  };
  main.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-review]');
    if (!b) return;
    send(b, { step: Number(b.dataset.step), id: b.dataset.id, action: b.dataset.review });
  });
  main.addEventListener('submit', (e) => {
    const f = e.target.closest('form.review-form');
    if (!f) return;
    e.preventDefault();
    const comment = f.querySelector('textarea').value.trim();
    if (!comment) return toast('say what should change: the comment is the next attempt’s feedback', true);
    send(f, { step: Number(f.dataset.step), id: f.dataset.id, action: 'reject', comment });
  });
}
