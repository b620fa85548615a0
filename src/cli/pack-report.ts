import type { Context } from '../core/context.js';
import type { PackResult } from '../core/pack/index.js';
import { printJson } from './json-output.js';

export interface ReportFlags {
  jsonSummary?: boolean;
  tokenCountTree?: boolean | number;
  toStdout: boolean;
  quiet: boolean;
}

/** What `pack` prints besides the pack: the JSON summary, or notices, token tree and summary on stderr. */
export async function reportPack(ctx: Context, r: PackResult, flags: ReportFlags): Promise<void> {
  const { formatSummary, displayPath, formatTokenCountTree, tokenCountTree } = await import(
    '../core/pack/index.js'
  );
  const outputs = r.parts.map((p) => (p.path ? displayPath(ctx, p.path) : 'stdout'));
  const treeMin = typeof flags.tokenCountTree === 'number' ? flags.tokenCountTree : 0;
  const countTree = flags.tokenCountTree === undefined ? undefined : tokenCountTree(r.files, treeMin);
  if (flags.jsonSummary) {
    const parts = r.parts.map((p, i) => ({
      path: outputs[i],
      tokens: p.tokens,
      chars: p.chars,
      files: p.files,
    }));
    const json = {
      totals: r.totals,
      parts,
      files: r.files,
      skipped: r.skipped,
      cache: r.cache,
      notices: r.notices,
      ...(countTree ? { tokenCountTree: countTree } : {}),
    };
    printJson(flags.toStdout ? ctx.stderr : ctx.stdout, json);
  } else if (!flags.quiet) {
    for (const n of r.notices) ctx.stderr.write(`${n}\n`);
    if (countTree) ctx.stderr.write(formatTokenCountTree(countTree, treeMin));
    ctx.stderr.write(formatSummary(r, { top: ctx.config.pack.top, outputs }));
  }
}
