import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Language, Node, Parser } from 'web-tree-sitter';
import { type LanguageRule, ruleFor } from './languages.js';

/** The marker an elided body leaves behind (said in the pack's summary). */
export const ELIDED = '…';

type TreeSitter = typeof import('web-tree-sitter');
let runtime: Promise<TreeSitter> | undefined;
const languages = new Map<string, Promise<Language>>();
const parsers = new Map<string, Parser>();

// tree-sitter is loaded on the first file to compress, never before (startup stays fast).
function loadRuntime(): Promise<TreeSitter> {
  runtime ??= import('web-tree-sitter').then(async (ts) => {
    await ts.Parser.init();
    return ts;
  });
  return runtime;
}

function grammarPath(name: string): string {
  const req = createRequire(import.meta.url);
  return join(
    dirname(req.resolve('@vscode/tree-sitter-wasm/package.json')),
    'wasm',
    `tree-sitter-${name}.wasm`,
  );
}

async function parserFor(rule: LanguageRule): Promise<Parser> {
  const ts = await loadRuntime();
  let lang = languages.get(rule.grammar);
  if (!lang) {
    lang = ts.Language.load(grammarPath(rule.grammar));
    languages.set(rule.grammar, lang);
  }
  let p = parsers.get(rule.grammar);
  if (!p) {
    p = new ts.Parser();
    p.setLanguage(await lang);
    parsers.set(rule.grammar, p);
  }
  return p;
}

/** Does `--compress` know this file's language? */
export function canCompress(path: string): boolean {
  return ruleFor(path) !== undefined;
}

interface Cut {
  start: number;
  end: number;
  text: string;
}

/**
 * `--compress`: the file with every multi-line function body replaced by a marker, so
 * imports, type declarations, signatures, class and interface shapes and doc comments stay
 * and the implementation goes. Undefined when the language has no grammar (packed whole).
 */
export async function compressSource(text: string, path: string): Promise<string | undefined> {
  const rule = ruleFor(path);
  if (!rule) return undefined;
  const parser = await parserFor(rule);
  const tree = parser.parse(text);
  if (!tree) return undefined;
  try {
    const wanted = new Set(rule.functions);
    const cuts: Cut[] = [];
    const visit = (node: Node) => {
      if (wanted.has(node.type)) {
        const body = node.childForFieldName('body');
        if (body && body.endPosition.row > node.startPosition.row) {
          const cut = cutFor(rule, body, text);
          if (cut) {
            cuts.push(cut);
            return; // nested functions go with the body
          }
        }
      }
      for (const c of node.namedChildren) if (c) visit(c);
    };
    visit(tree.rootNode);
    if (cuts.length === 0) return text;
    let out = '';
    let at = 0;
    for (const c of cuts) {
      out += text.slice(at, c.start) + c.text;
      at = c.end;
    }
    return out + text.slice(at);
  } finally {
    tree.delete();
  }
}

function cutFor(rule: LanguageRule, body: Node, text: string): Cut | undefined {
  const { startIndex: start, endIndex: end } = body;
  if (rule.marker === 'braces') {
    if (text[start] !== '{' || text[end - 1] !== '}') return undefined; // `=> expr`, `= 0;`
    return { start, end, text: `{ ${ELIDED} }` };
  }
  const indent = ' '.repeat(body.startPosition.column);
  if (rule.marker === 'ruby') return { start, end, text: `# ${ELIDED}` };
  // Python: keep the docstring, then `...` (still valid Python).
  const first = body.namedChildren[0];
  const doc =
    first?.type === 'expression_statement' && first.namedChildren[0]?.type === 'string' ? first : undefined;
  if (doc) return doc.endIndex >= end ? undefined : { start: doc.endIndex, end, text: `\n${indent}...` };
  return { start, end, text: '...' };
}
