import { createHash } from 'node:crypto';
import type { Context } from '../context.js';
import type { TokenCache } from './cache.js';
import { gitDiffSection, gitLogSection } from './git-sections.js';
import type { ResolvedPack } from './options.js';
import type { FooterInfo } from './render/index.js';
import { describeFindings, findSecrets } from './secrets.js';
import type { EncodingName } from './tokens/encodings.js';
import type { SkippedFile } from './types.js';

/** Exact tokens of header/footer text, through the same cache as files. */
export function measurer(
  encoding: EncodingName,
  cache: TokenCache,
  countTokens: (text: string, encoding: EncodingName) => Promise<number>,
): (text: string) => Promise<number> {
  return async (text) => {
    const key = createHash('sha1').update(`h\0${encoding}\0`).update(text).digest('hex');
    const hit = cache.entries.get(key);
    if (hit !== undefined && Number.isFinite(Number(hit))) return Number(hit);
    const n = await countTokens(text, encoding);
    cache.add([[key, String(n)]]);
    return n;
  };
}

/** --git-diff, --git-log, --instructions; git sections with secrets are left out and listed. */
export async function footerInfo(ctx: Context, o: ResolvedPack, skipped: SkippedFile[]): Promise<FooterInfo> {
  const f: FooterInfo = { instructions: o.instructionsText };
  const dir = o.dirs[0]!;
  const guard = async (label: string, text: string) => {
    if (!o.securityCheck) return text;
    const found = await findSecrets(label, text);
    if (found.length === 0) return text;
    skipped.push({ path: `(${label})`, reason: 'secret', detail: describeFindings(found) });
    return undefined;
  };
  if (o.gitDiff) f.gitDiff = await guard('git diff', await gitDiffSection(dir, ctx.env));
  if (o.gitLog > 0) f.gitLog = await guard('git log', await gitLogSection(dir, ctx.env, o.gitLog));
  return f;
}
