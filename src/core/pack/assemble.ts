import { UsageError } from '../errors.js';
import type { StoredBlock } from './block-store.js';
import { type CondenseLevel, MAX_CONDENSE } from './condense.js';
import { tierOf } from './relevance.js';
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
  /** The header, given the files dropped so far (the tree marks them) and how condensed. */
  headerFor(dropped: SkippedFile[], level: CondenseLevel): HeaderInfo;
  /** The footer, given the files dropped so far (they are listed in it) and the count kept. */
  footerFor(dropped: SkippedFile[], kept: number, level: CondenseLevel): FooterInfo;
  /** Exact tokens of a header / footer text. */
  measure(text: string): Promise<number>;
  tokenBudget?: number;
  splitTokens?: number;
  /** Paths dropped only when nothing else is left to drop (PackOptions.keep). */
  keep?: ReadonlySet<string>;
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

/** Keep header + footer within this share of the budget, condensing them as needed. */
const FRAME_SHARE = 0.25;

/**
 * Drop files (least relevant tier first, then largest) until the whole pack fits
 * `budget`. The tree and the left-out list condense (per-directory counts) when they would
 * take more than a quarter of the budget; then the room left is filled again with the
 * most relevant files that fit. Exits 2 only when even the most condensed header and
 * footer leave no room for any file.
 */
async function applyBudget(
  input: AssembleInput,
  budget: number,
  dropped: SkippedFile[],
): Promise<{ kept: StoredBlock[]; level: CondenseLevel }> {
  const frame = async (gone: SkippedFile[], kept: number, level: CondenseLevel) =>
    (await input.measure(input.renderer.header(input.headerFor(gone, level)))) +
    (await input.measure(input.renderer.footer(input.footerFor(gone, kept, level))));
  const pickLevel = async (gone: SkippedFile[], kept: number) => {
    let level: CondenseLevel = 0;
    let tok = await frame(gone, kept, level);
    while (tok > budget * FRAME_SHARE && level < MAX_CONDENSE) {
      level = (level + 1) as CondenseLevel;
      tok = await frame(gone, kept, level);
    }
    return { level, tok };
  };
  const tier = new Map(input.files.map((f) => [f, tierOf(f.path, f.tokens)]));
  const pinned = (f: StoredBlock) => (input.keep?.has(f.path) ? 1 : 0);
  const byDrop = [...input.files].sort(
    (a, b) =>
      pinned(a) - pinned(b) ||
      tier.get(b)! - tier.get(a)! ||
      b.blockTokens - a.blockTokens ||
      (a.path < b.path ? -1 : 1),
  );
  const gone = new Set<StoredBlock>();
  const reason = (f: StoredBlock): SkippedFile => ({
    path: f.path,
    reason: 'token-budget',
    detail: `${f.tokens} tokens`,
  });
  const keptOf = () => input.files.filter((f) => !gone.has(f));
  const goneList = () => byDrop.filter((f) => gone.has(f)).map(reason);
  const total = (kept: StoredBlock[], frameTok: number) => partTokens(0, kept, 0) + frameTok;
  let at = 0;
  for (;;) {
    const kept = keptOf();
    const { level, tok } = await pickLevel(goneList(), kept.length);
    let excess = total(kept, tok) - budget;
    if (excess <= 0) break;
    if (at >= byDrop.length) {
      throw new UsageError(
        `--token-budget ${budget} is below the pack's own header and footer (${tok} tokens, condensed level ${level})`,
        {
          code: 'E_BUDGET',
          hint: `use --token-budget ${tok + 1000} or more, or drop --git-diff / --git-log / --instructions`,
        },
      );
    }
    while (excess > 0 && at < byDrop.length) {
      const f = byDrop[at++]!;
      gone.add(f);
      excess -= f.blockTokens;
    }
  }
  // Fill: the drops overshoot (a large file went for a small excess); take back the most
  // relevant, smallest files that fit in the room left, checking the exact total each time.
  const back = byDrop.filter((f) => gone.has(f)).reverse();
  back.sort((a, b) => pinned(b) - pinned(a) || tier.get(a)! - tier.get(b)! || a.blockTokens - b.blockTokens);
  const state = await pickLevel(goneList(), keptOf().length);
  let room = budget - total(keptOf(), state.tok);
  const taken: StoredBlock[] = [];
  for (const f of back) {
    if (f.blockTokens > room) continue;
    gone.delete(f); // taking a file back also shortens the left-out list, so this estimate is high
    taken.push(f);
    room -= f.blockTokens;
  }
  let final = await pickLevel(goneList(), keptOf().length);
  while (taken.length > 0 && total(keptOf(), final.tok) > budget) {
    gone.add(taken.pop()!); // the frame grew past the estimate: give back the last taken
    final = await pickLevel(goneList(), keptOf().length);
  }
  dropped.push(...goneList().sort((a, b) => (a.path < b.path ? -1 : 1)));
  return { kept: keptOf(), level: final.level };
}

/**
 * Decide what goes where: apply --token-budget, then --split-tokens (greedy, in path
 * order, never splitting a file; a file too big for any part is skipped and listed).
 */
export async function assemble(input: AssembleInput): Promise<{ parts: PartPlan[]; dropped: SkippedFile[] }> {
  const { renderer } = input;
  const dropped: SkippedFile[] = [];
  const budgeted = input.tokenBudget ? await applyBudget(input, input.tokenBudget, dropped) : undefined;
  let files = budgeted?.kept ?? input.files;
  const level = budgeted?.level ?? 0;
  const limit = input.splitTokens;
  if (!limit) {
    const first = renderer.header(input.headerFor(dropped, level));
    const firstTok = await input.measure(first);
    const footer = renderer.footer(input.footerFor(dropped, files.length, level));
    return { parts: [plan(first, firstTok, files, footer, await input.measure(footer))], dropped };
  }

  const bare = renderer.footer({});
  const bareTok = await input.measure(bare);
  const h = input.headerFor([], level);
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
  const first = renderer.header(input.headerFor(dropped, level));
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
  const footer = renderer.footer(input.footerFor(dropped, files.length, level));
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
