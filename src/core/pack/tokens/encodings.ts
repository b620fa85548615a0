import { UsageError } from '../../errors.js';

/** The encodings `pack` counts with; o200k_base is GPT-4o / GPT-5's, cl100k_base GPT-4's. */
export const ENCODINGS = ['o200k_base', 'cl100k_base'] as const;
export type EncodingName = (typeof ENCODINGS)[number];

/** What the counter needs from the reference tokenizer. */
export interface ReferenceEncoding {
  name: EncodingName;
  /** The reference pre-tokenizer regex, made sticky (`uy`) for piece-at-a-time matching. */
  splitRegex: RegExp;
  /** Token count of ONE pre-tokenizer piece (exactly what `encode` yields for it). */
  pieceTokens(piece: string): number;
  /** The reference `encode`, special tokens treated as text (for tests and checks). */
  encode(text: string): number[];
}

interface BpeCore {
  getBpeRankFromString(piece: string): number | undefined;
  bytePairEncode(piece: string): number[];
}

const loaded = new Map<EncodingName, Promise<ReferenceEncoding>>();

/** Throw a UsageError unless `name` is an encoding we support. */
export function assertEncoding(name: string): asserts name is EncodingName {
  if (!(ENCODINGS as readonly string[]).includes(name)) {
    throw new UsageError(`unknown token encoding "${name}"`, {
      code: 'E_ENCODING',
      hint: `use one of: ${ENCODINGS.join(', ')}`,
    });
  }
}

async function load(name: EncodingName): Promise<ReferenceEncoding> {
  const consts = await import('gpt-tokenizer/encodingParams/constants');
  const mod =
    name === 'o200k_base'
      ? await import('gpt-tokenizer/encoding/o200k_base')
      : await import('gpt-tokenizer/encoding/cl100k_base');
  const api = mod.default as unknown as { bytePairEncodingCoreProcessor?: BpeCore };
  const source = name === 'o200k_base' ? consts.O200K_TOKEN_SPLIT_REGEX : consts.CL100K_TOKEN_SPLIT_REGEX;
  const asText = { disallowedSpecial: new Set<string>() };
  const core = api.bytePairEncodingCoreProcessor;
  // The BPE core encodes one piece without re-splitting it; if a future gpt-tokenizer hides it,
  // encoding the piece alone gives the same tokens (a piece re-splits into itself).
  const pieceTokens =
    core && typeof core.getBpeRankFromString === 'function' && typeof core.bytePairEncode === 'function'
      ? (piece: string) =>
          core.getBpeRankFromString(piece) !== undefined ? 1 : core.bytePairEncode(piece).length
      : (piece: string) => mod.encode(piece, asText).length;
  return {
    name,
    splitRegex: new RegExp(source.source, 'uy'),
    pieceTokens,
    encode: (text) => mod.encode(text, asText),
  };
}

/** Load (once per thread) the reference encoding. */
export function loadEncoding(name: EncodingName): Promise<ReferenceEncoding> {
  let p = loaded.get(name);
  if (!p) {
    p = load(name);
    loaded.set(name, p);
  }
  return p;
}
