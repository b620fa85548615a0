/** What a change request names: file paths and code symbols, as the user wrote them. */
export interface RequestTerms {
  paths: string[];
  symbols: string[];
}

// Words that look like identifiers in prose but never name a symbol worth searching for.
const COMMON = new Set([
  'README',
  'TODO',
  'JSON',
  'HTML',
  'CSS',
  'API',
  'CLI',
  'URL',
  'HTTP',
  'HTTPS',
  'UTF8',
]);

/**
 * Paths (`src/words.js`, `test.js`) and symbols (`camelCase`, `split_words`, `parse()`,
 * anything in backticks) named in a request. Plain lower-case words are not symbols:
 * searching the code for "option" would pull in half the repository.
 */
export function requestTerms(request: string): RequestTerms {
  const paths = new Set<string>();
  const symbols = new Set<string>();
  for (const m of request.matchAll(/`([^`\n]+)`/g)) {
    const inner = m[1]!.trim();
    if (/[/\\]|\.\w{1,5}$/.test(inner) && !/\s/.test(inner)) paths.add(stripDot(inner));
    else for (const id of inner.matchAll(/[A-Za-z_$][\w$]*/g)) if (id[0].length >= 3) symbols.add(id[0]);
  }
  for (const m of request.matchAll(/(?<![\w/.-])((?:[\w@.-]+\/)*[\w@-][\w@.-]*\.[A-Za-z]{1,5})(?![\w/-])/g))
    if (!/^\d/.test(m[1]!) && !/\.\d+$/.test(m[1]!)) paths.add(stripDot(m[1]!));
  for (const m of request.matchAll(/\b([A-Za-z_$][\w$]*)\s*\(/g)) symbols.add(m[1]!);
  for (const m of request.matchAll(/\b([a-z]+[A-Z][\w$]*|[A-Z][a-z]+[A-Z][\w$]*|[a-z]+_[a-z_\d]+)\b/g))
    symbols.add(m[1]!);
  for (const p of paths) for (const part of p.split(/[/.]/)) symbols.delete(part);
  return { paths: [...paths], symbols: [...symbols].filter((s) => !COMMON.has(s) && s.length >= 3) };
}

const stripDot = (p: string) => p.replace(/^\.\//, '').replace(/[.,;:]+$/, '');
