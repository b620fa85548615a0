import type { PlanProblem } from './types.js';

/**
 * Limits a plan or todo file must keep before it is parsed at all. The markdown parser is
 * recursive, keeps per-line container state and has super-linear cases: a 10,000-deep
 * blockquote overflowed the stack, a 3,000-deep list took minutes, 1 MB of blank lines took
 * 27 s and 1.7 GB, thousands of unclosed `[` in one paragraph grow quadratically. Real plans
 * are far inside these limits (a 300-step plan is ~15,000 lines, ~200 KB).
 */
export const PARSE_LIMITS = {
  maxChars: 256_000,
  maxLines: 15_000,
  /** Leading container characters of one line (`>`, list markers, indentation): nesting depth. */
  maxPrefix: 64,
  /** Container characters over the whole file (deep nesting on many lines is what costs). */
  maxPrefixTotal: 10_000,
  /** Unclosed `[` in one paragraph (open link labels are the parser's quadratic case). */
  maxBracketsPerBlock: 1_000,
};

const PREFIX = /^[ \t>*+\-0-9.)]*/;

/** Why `text` is too big or too deeply nested to parse, or undefined when it is fine. */
export function boundsProblem(text: string): PlanProblem | undefined {
  const L = PARSE_LIMITS;
  if (text.length > L.maxChars)
    return { message: `the file is too large (${text.length} characters; at most ${L.maxChars})` };
  let line = 0;
  let prefixTotal = 0;
  let brackets = 0;
  for (let start = 0; start <= text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    line++;
    if (line > L.maxLines) return { message: `the file has too many lines (more than ${L.maxLines})` };
    const prefix = (
      PREFIX.exec(text.slice(start, Math.min(end, start + L.maxPrefix + 1))) as RegExpExecArray
    )[0];
    if (prefix.length > L.maxPrefix)
      return {
        line,
        message: `nesting too deep (more than ${L.maxPrefix} leading quote, list or indent characters)`,
      };
    prefixTotal += prefix.trimEnd().length;
    if (prefixTotal > L.maxPrefixTotal)
      return { line, message: 'too much nesting overall (quotes and lists nested on too many lines)' };
    if (prefix.length === end - start)
      brackets = 0; // a blank line ends the paragraph
    else
      for (let i = start; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c === 91) brackets++;
        else if (c === 93 && brackets > 0) brackets--;
      }
    if (brackets > L.maxBracketsPerBlock)
      return { line, message: `too many unclosed "[" in one paragraph (more than ${L.maxBracketsPerBlock})` };
    start = end + 1;
  }
  return undefined;
}
