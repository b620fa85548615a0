import { quotePath } from './render/quote-path.js';
import type { PackResult, SkipReason } from './types.js';

/** How each skip reason reads in the summary and in the pack's own list. */
export const SKIP_LABEL: Record<SkipReason, string> = {
  binary: 'binary',
  'too-large': 'too large',
  'not-utf8': 'not UTF-8',
  secret: 'secret',
  symlink: 'symlink',
  'not-a-file': 'not a file',
  missing: 'missing',
  ignored: 'ignored',
  'token-budget': 'over budget',
  'split-limit': 'too big',
};

const n = (x: number) => x.toLocaleString('en-US');

export interface SummaryOptions {
  /** How many of the largest files to list. */
  top: number;
  /** Output paths as the user should read them (or ['stdout']). */
  outputs: string[];
}

/**
 * The human summary (stderr): top files by tokens, every skipped file with its reason,
 * and one line with the totals.
 */
export function formatSummary(r: PackResult, opts: SummaryOptions): string {
  const lines: string[] = [];
  const top = [...r.files]
    .sort((a, b) => b.tokens - a.tokens || (a.path < b.path ? -1 : 1))
    .slice(0, opts.top);
  if (top.length > 0) {
    lines.push(`Top ${top.length} file${top.length === 1 ? '' : 's'} by tokens:`);
    const width = String(top.length).length;
    for (const [i, f] of top.entries()) {
      const pct = r.totals.tokens ? ((100 * f.tokens) / r.totals.tokens).toFixed(1) : '0.0';
      lines.push(`  ${String(i + 1).padStart(width)}. ${quotePath(f.path)}  ${n(f.tokens)} tokens (${pct}%)`);
    }
  }
  if (r.skipped.length > 0) {
    lines.push(`Skipped ${r.skipped.length} file${r.skipped.length === 1 ? '' : 's'}:`);
    for (const s of r.skipped) {
      lines.push(
        `  ${SKIP_LABEL[s.reason].padEnd(11)} ${quotePath(s.path)}${s.detail ? ` (${s.detail})` : ''}`,
      );
    }
  }
  const parts = r.parts;
  const dest =
    parts.length > 1
      ? parts.map((p, i) => `${opts.outputs[i] ?? `part ${i + 1}`} (${n(p.tokens)} tokens)`).join(', ')
      : (opts.outputs[0] ?? 'stdout');
  const reused = r.cache.hits > 0 ? `; token counts of ${n(r.cache.hits)} unchanged files reused` : '';
  lines.push(
    `Packed ${n(r.totals.files)} file${r.totals.files === 1 ? '' : 's'} · ${n(r.totals.chars)} chars · ` +
      `${n(r.totals.tokens)} tokens (${r.totals.encoding}) → ${dest}${reused}`,
  );
  return `${lines.join('\n')}\n`;
}
