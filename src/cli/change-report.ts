import { relative } from 'node:path';
import type { ChangeEvent, ChangeResult } from '../core/change/index.js';
import type { Context } from '../core/context.js';
import { formatCount } from '../util/format.js';
import { printJson } from './json-output.js';

/** How `specloop change` shows what it packed and what it wrote (stderr; --json / --dry-run on stdout). */
export function contextLine(ctx: Context, e: Extract<ChangeEvent, { type: 'context' }>): void {
  const n = formatCount;
  const how = e.whole
    ? 'the whole repository'
    : `${e.files} files (focus whole${e.compressed ? ', the rest as signatures' : ''})`;
  ctx.stderr.write(`context: ${how}, ${n(e.tokens)} of ${n(e.budget)} tokens\n`);
  if (e.focus.length)
    ctx.stderr.write(`focus: ${e.focus.slice(0, 8).join(', ')}${e.focus.length > 8 ? ', …' : ''}\n`);
}

export function report(ctx: Context, r: ChangeResult, flags: { json?: boolean; run?: boolean }): void {
  const rel = (p: string) => relative(ctx.cwd, p) || p;
  if (flags.json && !flags.run)
    printJson(ctx.stdout, {
      written: r.written,
      slug: r.slug,
      plan: rel(r.planPath),
      todo: rel(r.todoPath),
      tree: r.tree,
      steps: r.plan.steps.map((s) => ({ number: s.number, title: s.title, dependsOn: s.dependsOn })),
      focus: r.context.focus,
      contextTokens: r.context.tokens,
      context: {
        whole: r.context.whole,
        compressed: r.context.compressed,
        packs: r.context.packs,
        packed: r.context.packed.length,
        left: r.context.left,
      },
      answered: r.answered,
      transcript: r.transcript ? rel(r.transcript) : undefined,
      model: r.totals.model,
      calls: r.totals.calls,
      usage: r.totals.usage,
      cost: r.totals.cost,
      ...(r.written ? {} : { planText: r.planText, todoText: r.todoText }),
    });
  else if (!r.written)
    ctx.stdout.write(
      `<!-- ${rel(r.planPath)} -->\n${r.planText}\n<!-- ${rel(r.todoPath)} -->\n${r.todoText}`,
    );
  const what = r.written ? `wrote ${rel(r.planPath)} and ${rel(r.todoPath)}` : 'dry run, nothing written';
  ctx.stderr.write(`${what}: ${r.plan.steps.length} step(s)\n`);
  if (r.specDrift)
    ctx.stderr.write(
      `note: spec.md was made from ${r.specDrift.since.slice(0, 7)}; ${r.specDrift.files.length} file(s) changed since. ` +
        'Refresh it with `specloop spec --from-code --force`\n',
    );
  if (r.written && !flags.run)
    ctx.stderr.write(`next: review it, then \`specloop run --from ${rel(r.planPath)}\`\n`);
}
