import { formatUsd } from '../../util/format.js';
import { calmSink, createProgress } from '../../util/progress.js';
import { canAnimate, columnsOf, displayWidth, fitToWidth } from '../../util/terminal.js';
import { terminalSafeFields } from '../../util/terminal-safe.js';
import type { Sink } from '../context.js';
import type { RunEvent } from './events.js';
import type { RunPlanResult } from './types.js';

const fmtTokens = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n));
const fmtSecs = (ms: number) =>
  ms >= 60_000
    ? `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`
    : `${(ms / 1000).toFixed(1)}s`;

/**
 * The live view of a run on stderr: one status line (step k/n · attempt · what the executor
 * is doing · tests · tokens · cost) on a terminal, plain lines in logs and CI.
 */
export function createRunView(target: Sink) {
  // Notes written while the status line shows must land above it, not glued to it.
  const sink = target.status ? target : calmSink(target);
  const p = createProgress(sink);
  const live = canAnimate(sink);
  let tokens = 0;
  let cost = 0;
  let costKnown = false;
  let head = '';
  let title = '';
  let prefix = '';
  let attempt = '';
  const money = () => (costKnown ? ` · ${formatUsd(cost)}` : '');
  const line = (what: string) => `${head}${attempt} · ${what} · ${fmtTokens(tokens)} tok${money()}`;
  /**
   * A step's last line. On a terminal it stays one line: the title is cut ("…") so the
   * outcome (the commit, the reason) fits the width; a log keeps the whole title.
   */
  const ending = (outcome: string) => {
    if (!live) return `${head}${outcome}`;
    // "✔ " before it, and one cell short of the width (as the status line).
    const room = columnsOf(sink) - 3 - displayWidth(prefix) - displayWidth(`)${outcome}`);
    if (displayWidth(title) <= room) return `${prefix}${title})${outcome}`;
    if (room >= 6) return `${prefix}${fitToWidth(title, room)})${outcome}`;
    // No room for a title worth reading: the step number alone, if that makes it fit.
    return room + 1 >= 0 ? `${prefix.trimEnd()})${outcome}` : `${prefix}${title})${outcome}`;
  };
  const show = (what: string) => (live ? p.update(line(what)) : sink.write(`  ${what}\n`));
  return {
    onEvent(raw: RunEvent): void {
      // Titles, activity, reasons and notes carry model and repo text: never raw escapes.
      const e = terminalSafeFields(raw);
      switch (e.type) {
        case 'note':
          sink.write(`${e.text}\n`);
          break;
        case 'step-start':
          prefix = `step ${e.index}/${e.total} (#${e.step} `;
          title = e.title;
          head = `${prefix}${title})`;
          attempt = '';
          p.start(head);
          break;
        case 'verify-existing':
          show('checking the work already in the tree');
          break;
        case 'attempt-start':
          attempt = ` · attempt ${e.attempt}/${e.maxAttempts}`;
          if (!live && e.attempt > 1) sink.write(`  attempt ${e.attempt}/${e.maxAttempts}\n`);
          break;
        case 'activity':
          show(e.text);
          break;
        case 'usage':
          tokens += e.inputTokens + e.outputTokens;
          if (e.cost !== null) {
            cost += e.cost;
            costKnown = true;
          }
          break;
        case 'tests-start':
          show(`tests: ${e.command}`);
          break;
        case 'tests-end':
          show(`tests ${e.ok ? 'passed' : e.timedOut ? 'timed out' : 'failed'} (${fmtSecs(e.durationMs)})`);
          break;
        case 'attempt-end':
          if (!e.ok) show(`attempt ${e.attempt} rejected: ${e.reason}`);
          break;
        case 'step-end':
          if (e.ok)
            p.succeed(
              ending(
                // On a terminal the ✔ says it passed; the attempts are news only when there were several.
                live
                  ? `: committed ${e.commit?.slice(0, 7)}${e.attempts > 1 ? ` (${e.attempts} attempts)` : ''}`
                  : `: committed ${e.commit?.slice(0, 7)} after ${e.attempts} attempt(s)`,
              ),
            );
          else p.fail(ending(`: failed after ${e.attempts} attempt(s): ${e.reason}`));
          break;
      }
    },
    /** The end-of-run summary (stderr). */
    summary(r: RunPlanResult): void {
      p.stop();
      if (r.dryRun) return;
      const tokens = r.usage.inputTokens + r.usage.outputTokens;
      // An executor that reports nothing is "usage unknown", never "0 tokens" (reads as free).
      const counted =
        r.usageKnown === false && tokens === 0 ? 'usage unknown' : `${fmtTokens(tokens)} tokens`;
      const usage = `${counted}${r.costKnown && r.cost > 0 ? `, ${formatUsd(r.cost)}` : ''}`;
      const ran = r.steps.filter((s) => s.ok).length;
      if (r.steps.length === 0 && !r.stopped) {
        sink.write(
          `nothing to do: ${r.done.length}/${r.total} steps of ${r.planFile} are done (branch ${r.branch})\n`,
        );
        return;
      }
      sink.write(
        `\n${ran} step(s) committed on ${r.branch} in ${fmtSecs(r.durationMs)} (${usage}); ${r.done.length}/${r.total} done\n`,
      );
      if (r.stopped === 'cost-limit') sink.write('stopped: cost limit reached\n');
      if (r.hint) sink.write(`  hint: ${r.hint}\n`);
    },
  };
}

/** Plain text of a dry run (stdout: it is the command's result). */
export function renderDryRun(r: RunPlanResult): string {
  const lines = [
    `plan: ${r.planFile} (id ${r.planId}), ${r.done.length}/${r.total} steps done`,
    `branch: ${r.branch}${r.branchAction === 'create' ? ' (would be created)' : r.branchAction === 'switch' ? ' (would switch to it)' : ''}`,
    `executor: ${r.executor}`,
    `tests: ${r.testCommand}`,
  ];
  for (const n of r.notes) lines.push(`note: ${n}`);
  if (r.planned.length === 0) lines.push('would run: nothing (every selected step is done)');
  else {
    lines.push('would run:');
    for (const s of r.planned) lines.push(`  step ${s.step}: ${s.title}${s.tdd ? ' (test-driven)' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
