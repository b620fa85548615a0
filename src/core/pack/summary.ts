import { formatCount } from '../../util/format.js';
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

const n = formatCount;

/** Above this many skipped files, budget drops are counted per directory. */
const MAX_LISTED = 50;

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
    // --no-files: the files are counted but not in the pack, so a share of the pack would
    // be over 100%; their share of all the files' tokens is said instead
    const inPack = r.totals.files > 0;
    const base = inPack ? r.totals.tokens : r.files.reduce((a, f) => a + f.tokens, 0);
    lines.push(
      `Top ${top.length} file${top.length === 1 ? '' : 's'} by tokens${inPack ? '' : ' (% of all files; their text is not in the pack)'}:`,
    );
    const width = String(top.length).length;
    for (const [i, f] of top.entries()) {
      const pct = base ? ((100 * f.tokens) / base).toFixed(1) : '0.0';
      lines.push(`  ${String(i + 1).padStart(width)}. ${quotePath(f.path)}  ${n(f.tokens)} tokens (${pct}%)`);
    }
  }
  if (r.skipped.length > 0) {
    lines.push(`Skipped ${r.skipped.length} file${r.skipped.length === 1 ? '' : 's'}:`);
    // A budget can leave out thousands: those are counted per directory, the rest listed.
    const many = r.skipped.length > MAX_LISTED;
    const groups = new Map<string, number>();
    for (const s of r.skipped) {
      if (many && (s.reason === 'token-budget' || s.reason === 'split-limit')) {
        const key = `${s.reason}\0${s.path.split('/').slice(0, -1).slice(0, 2).join('/')}`;
        groups.set(key, (groups.get(key) ?? 0) + 1);
        continue;
      }
      lines.push(
        `  ${SKIP_LABEL[s.reason].padEnd(11)} ${quotePath(s.path)}${s.detail ? ` (${s.detail})` : ''}`,
      );
    }
    for (const [key, count] of groups) {
      const [reason, dir] = key.split('\0') as [SkipReason, string];
      lines.push(
        `  ${SKIP_LABEL[reason].padEnd(11)} ${n(count)} file${count === 1 ? '' : 's'} in ${dir ? `${quotePath(dir)}/` : '.'}`,
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
