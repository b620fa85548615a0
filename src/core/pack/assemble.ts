import { UsageError } from '../errors.js';
import type { StoredBlock } from './block-store.js';
import type { FooterInfo, HeaderInfo, StyleRenderer } from './render/index.js';
import type { SkippedFile } from './types.js';

/** One planned output part; its token count is exact (segments add up, see tokens/blocks.ts). */
export interface PartPlan {
  header: string;
  files: StoredBlock[];
  footer: string;
  tokens: number;
  chars: number;
}

export interface AssembleInput {
  files: StoredBlock[];
  renderer: StyleRenderer;
  /** The header, given the files dropped so far (the tree marks them). */
  headerFor(dropped: SkippedFile[]): HeaderInfo;
  /** The footer, given the files dropped so far (they are listed in it) and the count kept. */
  footerFor(dropped: SkippedFile[], kept: number): FooterInfo;
  /** Exact tokens of a header / footer text. */
  measure(text: string): Promise<number>;
  tokenBudget?: number;
  splitTokens?: number;
}

const nonLast = (f: StoredBlock) => f.blockTokens;
const asLast = (f: StoredBlock) => f.blockTokensLast ?? f.blockTokens;

/** Exact tokens of header + files + footer. */
function partTokens(hTok: number, files: StoredBlock[], fTok: number): number {
  let t = hTok + fTok;
  for (let i = 0; i < files.length; i++) t += i === files.length - 1 ? asLast(files[i]!) : nonLast(files[i]!);
  return t;
}

function plan(header: string, hTok: number, files: StoredBlock[], footer: string, fTok: number): PartPlan {
  let chars = header.length + footer.length;
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    chars += f.textChars + (i === files.length - 1 ? (f.lastTail ?? f.tail) : f.tail).length;
  }
  return { header, files, footer, tokens: partTokens(hTok, files, fTok), chars };
}

// Generated, minified, snapshot and data files go first when a budget forces drops.
const LOW_VALUE =
  /(\.min\.(js|css)|\.map|\.snap|\.lock|\.svg|\.csv|\.tsv|\.jsonl)$|(^|\/)(__snapshots__|fixtures?|testdata)\//i;
const lowValue = (f: StoredBlock) => LOW_VALUE.test(f.path) || (f.path.endsWith('.json') && f.tokens > 2000);

/** Drop files (least relevant, then largest, first) until the whole pack fits `budget`. */
async function applyBudget(
  input: AssembleInput,
  budget: number,
  dropped: SkippedFile[],
): Promise<StoredBlock[]> {
  let kept = input.files;
  for (;;) {
    const hTok = await input.measure(input.renderer.header(input.headerFor(dropped)));
    const fTok = await input.measure(input.renderer.footer(input.footerFor(dropped, kept.length)));
    const total = partTokens(hTok, kept, fTok);
    if (total <= budget) return kept;
    if (kept.length === 0) {
      throw new UsageError(
        `--token-budget ${budget} is below the pack's own header and footer (${total} tokens)`,
        {
          code: 'E_BUDGET',
          hint: 'raise the budget, or drop --git-diff / --git-log / --instructions',
        },
      );
    }
    const order = [...kept].sort(
      (a, b) =>
        Number(lowValue(b)) - Number(lowValue(a)) ||
        b.blockTokens - a.blockTokens ||
        (a.path < b.path ? -1 : 1),
    );
    let excess = total - budget;
    const gone = new Set<StoredBlock>();
    for (const f of order) {
      if (excess <= 0) break;
      gone.add(f);
      excess -= f.blockTokens;
      dropped.push({ path: f.path, reason: 'token-budget', detail: `${f.tokens} tokens` });
    }
    kept = kept.filter((f) => !gone.has(f));
  }
}

/**
 * Decide what goes where: apply --token-budget, then --split-tokens (greedy, in path
 * order, never splitting a file; a file too big for any part is skipped and listed).
 */
export async function assemble(input: AssembleInput): Promise<{ parts: PartPlan[]; dropped: SkippedFile[] }> {
  const { renderer } = input;
  const dropped: SkippedFile[] = [];
  let files = input.tokenBudget ? await applyBudget(input, input.tokenBudget, dropped) : input.files;
  const limit = input.splitTokens;
  if (!limit) {
    const first = renderer.header(input.headerFor(dropped));
    const firstTok = await input.measure(first);
    const footer = renderer.footer(input.footerFor(dropped, files.length));
    return { parts: [plan(first, firstTok, files, footer, await input.measure(footer))], dropped };
  }

  const bare = renderer.footer({});
  const bareTok = await input.measure(bare);
  const h = input.headerFor([]);
  const laterTok = await input.measure(renderer.partHeader(h, 99_999));
  files = files.filter((f) => {
    if (laterTok + asLast(f) + bareTok <= limit) return true;
    dropped.push({
      path: f.path,
      reason: 'split-limit',
      detail: `${f.tokens} tokens do not fit in ${limit}`,
    });
    return false;
  });
  const first = renderer.header(input.headerFor(dropped));
  const firstTok = await input.measure(first);
  if (firstTok + bareTok > limit) {
    throw new UsageError(
      `--split-tokens ${limit} is below the first part's header and tree (${firstTok + bareTok} tokens)`,
      {
        code: 'E_SPLIT',
        hint: 'raise --split-tokens, or narrow the pack with --include / --ignore',
      },
    );
  }
  const parts: PartPlan[] = [];
  let cur = { header: first, hTok: firstTok, files: [] as StoredBlock[], run: 0 };
  const close = () => parts.push(plan(cur.header, cur.hTok, cur.files, bare, bareTok));
  const open = async () => {
    const header = renderer.partHeader(h, parts.length + 1);
    cur = { header, hTok: await input.measure(header), files: [], run: 0 };
  };
  for (const f of files) {
    if (cur.hTok + cur.run + asLast(f) + bareTok > limit) {
      close();
      await open();
    }
    cur.files.push(f);
    cur.run += nonLast(f);
  }
  const footer = renderer.footer(input.footerFor(dropped, files.length));
  const fTok = await input.measure(footer);
  const lastRun = cur.files.length ? cur.run - nonLast(cur.files.at(-1)!) + asLast(cur.files.at(-1)!) : 0;
  if (cur.hTok + lastRun + fTok > limit) {
    close();
    await open();
    if (cur.hTok + fTok > limit) {
      throw new UsageError(`--split-tokens ${limit} is too small for the git / instructions sections`, {
        code: 'E_SPLIT',
        hint: 'raise --split-tokens, or drop --git-diff / --git-log / --instructions',
      });
    }
  }
  parts.push(plan(cur.header, cur.hTok, cur.files, footer, fTok));
  return { parts, dropped };
}
