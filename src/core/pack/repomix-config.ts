import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackConfig } from '../config/schema.js';

export const REPOMIX_CONFIG = 'repomix.config.json';

/** A repomix.config.json read and mapped onto `[pack]` keys. */
export interface RepomixConfig {
  file: string;
  /** The settings that have a `[pack]` equivalent, converted. */
  pack: Partial<PackConfig>;
  /** repomix key → our key, for what was converted (in file order). */
  mapped: [string, string][];
  /** repomix keys with no equivalent (said, never silently dropped). */
  unmapped: string[];
  /** Set when the file exists but is not valid JSON. */
  error?: string;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** repomix key path → [pack] key, with the value check/convert. */
const MAP: [string, keyof PackConfig, (v: unknown) => unknown][] = [
  ['include', 'include', (v) => (strings(v) ? (v as string[]).filter((p) => p !== '**/*') : undefined)],
  ['ignore.customPatterns', 'ignore', (v) => (strings(v) ? v : undefined)],
  ['ignore.useGitignore', 'gitignore', bool],
  ['ignore.useDefaultPatterns', 'defaultIgnore', bool],
  ['output.filePath', 'output', (v) => (typeof v === 'string' ? v : undefined)],
  [
    'output.style',
    'style',
    (v) => (['xml', 'markdown', 'plain', 'json'].includes(v as string) ? v : undefined),
  ],
  ['output.headerText', 'header', (v) => (typeof v === 'string' ? v : undefined)],
  ['output.instructionFilePath', 'instructions', (v) => (typeof v === 'string' ? v : undefined)],
  ['output.fileSummary', 'fileSummary', bool],
  ['output.directoryStructure', 'directoryStructure', bool],
  ['output.files', 'files', bool],
  ['output.removeComments', 'removeComments', bool],
  ['output.removeEmptyLines', 'removeEmptyLines', bool],
  ['output.showLineNumbers', 'lineNumbers', bool],
  ['output.truncateBase64', 'truncateBase64', bool],
  ['output.compress', 'compress', bool],
  ['output.topFilesLength', 'top', (v) => (Number.isInteger(v) && (v as number) >= 0 ? v : undefined)],
  ['output.git.includeDiffs', 'gitDiff', bool],
  ['security.enableSecurityCheck', 'securityCheck', bool],
  [
    'tokenCount.encoding',
    'encoding',
    (v) => (['o200k_base', 'cl100k_base'].includes(v as string) ? v : undefined),
  ],
];

function bool(v: unknown) {
  return typeof v === 'boolean' ? v : undefined;
}

function leaves(o: Json, prefix = ''): [string, unknown][] {
  return Object.entries(o).flatMap(([k, v]) =>
    isObj(v) ? leaves(v, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as [string, unknown]],
  );
}

/** Read `dir/repomix.config.json`; undefined when there is none. */
export function readRepomixConfig(dir: string): RepomixConfig | undefined {
  const file = join(dir, REPOMIX_CONFIG);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { file, pack: {}, mapped: [], unmapped: [], error: (err as Error).message };
  }
  const out: RepomixConfig = { file, pack: {}, mapped: [], unmapped: [] };
  if (!isObj(doc)) return { ...out, error: 'not a JSON object' };
  const byPath = new Map(MAP.map((m) => [m[0], m]));
  const all = leaves(doc);
  const flat = new Map(all);
  for (const [path, value] of all) {
    if (path === '$schema') continue;
    if (path === 'output.git.includeLogs' || path === 'output.git.includeLogsCount') {
      if (path === 'output.git.includeLogs' && value === true) {
        const n = flat.get('output.git.includeLogsCount');
        out.pack.gitLog = Number.isInteger(n) ? (n as number) : 50; // repomix's default count
        out.mapped.push(['output.git.includeLogs', 'gitLog']);
      }
      continue;
    }
    const m = byPath.get(path);
    const v = m?.[2](value);
    if (!m || v === undefined) {
      out.unmapped.push(path);
      continue;
    }
    if (Array.isArray(v) && v.length === 0) continue;
    (out.pack as Record<string, unknown>)[m[1]] = v;
    out.mapped.push([path, m[1]]);
  }
  return out;
}
