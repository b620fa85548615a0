import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { pack } from '../../../src/core/pack/index.js';
import { renderTree } from '../../../src/core/pack/render/tree.js';
import { makeTestContext } from '../../support/context.js';
import { referenceTokens } from '../../support/pack-fixtures.js';
import { initRepo, tempDir } from '../../support/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Contents that break naive renderers: markup, CDATA ends, fences, control chars, quotes. */
const FILES: Record<string, string> = {
  'src/a & b.ts': 'if (a < b && c > d) { s = "<![CDATA[ x ]]>"; }\n',
  'docs/fences.md': '# Title\n\n```js\nconsole.log(1)\n```\n\n````\nfour\n````\n',
  'ctrl.txt': 'bell \x07 form feed \f escape \x1b[0m end\n',
  'quote"s.txt': 'json "quotes" and \\ backslashes \u2028 separators\n',
  'empty.txt': '',
};

async function packStyle(style: 'xml' | 'markdown' | 'plain' | 'json') {
  const repo = tempDir('specloop-render-');
  const home = tempDir('specloop-home-');
  cleanups.push(repo.cleanup, home.cleanup);
  initRepo(repo.dir, FILES);
  const ctx = makeTestContext({ cwd: repo.dir, home: home.dir });
  return pack(ctx, { write: false, style, header: 'Hello <team> & co' });
}

describe('output styles', () => {
  it('xml is well-formed and round-trips every file', async () => {
    const r = await packStyle('xml');
    expect(XMLValidator.validate(r.output)).toBe(true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      trimValues: false,
      cdataPropName: 'cdata',
    }).parse(r.output);
    const files = doc.pack.files.file as { path: string; cdata: string | string[] }[];
    expect(files.map((f) => f.path)).toEqual([
      'docs/fences.md',
      'src/a & b.ts',
      'ctrl.txt',
      'empty.txt',
      'quote"s.txt',
    ]);
    // CDATA cannot hold "]]>": it is split across two sections, which join back to the text
    const text = (f: (typeof files)[number]) =>
      (Array.isArray(f.cdata) ? f.cdata.join('') : f.cdata).slice(1, -1);
    expect(text(files[1]!)).toBe(FILES['src/a & b.ts']!.trim());
    expect(text(files[0]!)).toBe(FILES['docs/fences.md']!.trim());
    expect(text(files[2]!)).toBe('bell ␇ form feed ␌ escape ␛[0m end');
    expect(doc.pack.header.trim()).toBe('Hello <team> & co');
    expect(doc.pack.directory_structure).toContain('docs/\n  fences.md');
    // element text escapes only what it must: a quote reads as a quote, in the tree too
    expect(r.output).toContain('\nquote"s.txt\n');
    expect(r.output).toContain('<header>\nHello &lt;team&gt; &amp; co\n</header>');
    expect(doc.pack.directory_structure).toContain('quote"s.txt');
  });

  it('json parses, and each file carries its exact text and token count', async () => {
    const r = await packStyle('json');
    const doc = JSON.parse(r.output);
    expect(doc.fileCount).toBe(5);
    expect(doc.header).toBe('Hello <team> & co');
    const quote = doc.files.find((f: { path: string }) => f.path === 'quote"s.txt');
    expect(quote.content).toBe(FILES['quote"s.txt']!.trim());
    expect(quote.tokens).toBe(referenceTokens(quote.content));
    expect(r.totals.tokens).toBe(referenceTokens(r.output));
  });

  it('markdown fences each file longer than any fence inside it', async () => {
    const r = await packStyle('markdown');
    expect(r.output).toContain('### File: docs/fences.md\n\n`````markdown\n# Title');
    expect(r.output).toContain('### File: src/a & b.ts\n\n```typescript\n');
    expect(r.output).toMatch(/^# Packed repository: /);
    expect(r.output).toContain('## Directory structure');
  });

  it('plain marks each file with a banner and its path', async () => {
    const r = await packStyle('plain');
    expect(r.output).toContain('================\nFile: ctrl.txt\n================\nbell \x07 form feed');
    expect(r.totals.tokens).toBe(referenceTokens(r.output));
  });

  it('draws the tree directories first, in output order', () => {
    expect(renderTree(['a/b/c.ts', 'a/z.ts', 'b.ts'])).toBe('a/\n  b/\n    c.ts\n  z.ts\nb.ts');
  });
});
