import { isUtf8 } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../errors.js';
import { mergeCount } from './bpe.js';
import { parseTiktoken, RankTable, type SharedRanks } from './rank-table.js';

/** The encodings `pack` counts with; o200k_base is GPT-4o / GPT-5's, cl100k_base GPT-4's. */
export const ENCODINGS = ['o200k_base', 'cl100k_base'] as const;
export type EncodingName = (typeof ENCODINGS)[number];

/** What the counter needs: the reference pre-tokenizer and each piece's token count. */
export interface Vocabulary {
  name: EncodingName;
  /** The reference pre-tokenizer regex (gpt-tokenizer's), sticky (`uy`). */
  splitRegex: RegExp;
  /** Token count of ONE pre-tokenizer piece (what `encode` yields for it). */
  pieceTokens(piece: string): number;
  /** The rank table's memory, for worker threads to adopt (see provideEncoding). */
  shared: SharedRanks;
}

const loaded = new Map<EncodingName, Promise<Vocabulary>>();
const ASCII = /^[\x00-\x7f]*$/;

/** Throw a UsageError unless `name` is an encoding we support. */
export function assertEncoding(name: string): asserts name is EncodingName {
  if (!(ENCODINGS as readonly string[]).includes(name)) {
    throw new UsageError(`unknown token encoding "${name}"`, {
      code: 'E_ENCODING',
      hint: `use one of: ${ENCODINGS.join(', ')}`,
    });
  }
}

/**
 * The table the build made from the same vocabulary (tsup.config.ts), beside the running
 * bundle: `dist/ranks/<name>.bin`. Run from sources (tests, tsx) there is none.
 */
export function builtRanksFile(name: EncodingName): string {
  return fileURLToPath(new URL(`./ranks/${name}.bin`, import.meta.url));
}

/** gpt-tokenizer's own vocabulary file for `name`. */
export function vocabularyFile(name: EncodingName): string {
  return createRequire(import.meta.url).resolve(`gpt-tokenizer/data/${name}.tiktoken`);
}

/**
 * Mergeable ranks from gpt-tokenizer's own `.tiktoken` data (base64 token, rank per
 * line), keyed by the token's bytes as a latin1 string. Reading the data file instead of
 * the JS rank module keeps ~30 MB per thread and ~100 ms of start-up off every worker.
 * The table built from it at build time is taken when it was built from a file of the
 * same size: loading it is ~10 ms where parsing is ~120-200 ms, and every pack's first
 * count waits for it (the workers' too: they are lent this table).
 */
async function readRanks(name: EncodingName): Promise<RankTable> {
  const file = vocabularyFile(name);
  const [built, source] = await Promise.all([
    readFile(builtRanksFile(name)).catch(() => undefined),
    stat(file),
  ]);
  const table = built && RankTable.fromBytes(built, source.size);
  rankSources.set(name, table ? 'built' : 'parsed');
  return table || parseTiktoken(await readFile(file));
}

const rankSources = new Map<EncodingName, 'built' | 'parsed'>();

/** Where this thread's table for `name` came from (`-v pack` says it), if it loaded one. */
export function rankTableSource(name: EncodingName): 'built' | 'parsed' | undefined {
  return rankSources.get(name);
}

const BOM = '\xef\xbb\xbf';

/**
 * gpt-tokenizer (our reference, and repomix's) turns byte pairs back into strings with a
 * TextDecoder, which drops a leading byte-order mark: it never forms tiktoken's U+FEFF
 * token, and looks `EF BB BF x…` up as `x…`. Pieces containing U+FEFF are rare; for them
 * we look ranks up the same way, so our counts equal the reference's everywhere.
 */
function referenceRank(ranks: RankTable): (bytes: string) => number | undefined {
  return (bytes) => {
    const r = (k: string) => (ranks.has(k) ? ranks.get(k, 0, k.length) : undefined);
    if (!isUtf8(Buffer.from(bytes, 'latin1'))) return r(bytes);
    const text = bytes.startsWith(BOM) ? bytes.slice(3) : bytes;
    return text === '' || text.startsWith(BOM) ? undefined : r(text);
  };
}

async function load(name: EncodingName, shared?: Promise<SharedRanks | null>): Promise<Vocabulary> {
  const [consts, ranks] = await Promise.all([
    import('gpt-tokenizer/encodingParams/constants'),
    shared ? shared.then((s) => (s ? RankTable.adopt(s) : readRanks(name))) : readRanks(name),
  ]);
  const source = name === 'o200k_base' ? consts.O200K_TOKEN_SPLIT_REGEX : consts.CL100K_TOKEN_SPLIT_REGEX;
  const quirk = referenceRank(ranks);
  return {
    name,
    shared: ranks.shared,
    splitRegex: new RegExp(source.source, 'uy'),
    pieceTokens: (piece) => {
      if (ASCII.test(piece)) return ranks.has(piece) ? 1 : mergeCount(piece, ranks);
      const bytes = Buffer.from(piece, 'utf8').toString('latin1');
      if (piece.includes('\uFEFF')) {
        // the reference's whole-piece check is a string lookup: no token there starts with U+FEFF
        return !bytes.startsWith(BOM) && ranks.has(bytes) ? 1 : mergeCount(bytes, ranks, quirk);
      }
      return ranks.has(bytes) ? 1 : mergeCount(bytes, ranks);
    },
  };
}

/**
 * In a worker thread: take the encoding's rank table from `shared` (built by the main
 * thread, sent when ready; null: parse it here after all) instead of parsing the
 * vocabulary file again. Each worker
 * parsing its own cost ~150 ms of CPU and that much delay before its first count.
 */
export function provideEncoding(name: EncodingName, shared: Promise<SharedRanks | null>): void {
  if (!loaded.has(name)) loaded.set(name, load(name, shared));
}

/** Load (once per thread) an encoding's vocabulary. */
export function loadEncoding(name: EncodingName): Promise<Vocabulary> {
  let p = loaded.get(name);
  if (!p) {
    p = load(name);
    loaded.set(name, p);
  }
  return p;
}
