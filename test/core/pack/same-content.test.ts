import { afterEach, describe, expect, it, vi } from 'vitest';
import { pack } from '../../../src/core/pack/index.js';
import { TokenCounter } from '../../../src/core/pack/tokens/counter.js';
import { makeTestContext } from '../../support/context.js';
import { referenceTokens } from '../../support/pack-fixtures.js';
import { initRepo, tempDir } from '../../support/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup(files: Record<string, string>) {
  const repo = tempDir('specloop-same-');
  const home = tempDir('specloop-home-');
  cleanups.push(repo.cleanup, home.cleanup);
  initRepo(repo.dir, files);
  return makeTestContext({ cwd: repo.dir, home: home.dir, config: { pack: { maxFileSize: 100_000 } } });
}

// A license, long enough to be remembered by content within a run.
const LICENSE = `MIT License\n\nCopyright (c) ${'Someone Else '.repeat(4)}\n\n${'Permission is hereby granted, free of charge, to any person obtaining a copy. '.repeat(12)}\n`;

describe('pack: copies of one text within a run', () => {
  it('packs every copy under its own path with the counts a lone copy gets', async () => {
    const files = {
      'a/LICENSE': LICENSE,
      'b/LICENSE': LICENSE,
      'c/deep/LICENSE.md': LICENSE,
      'src/index.ts': 'export const x = 1;\n',
    };
    const ctx = setup(files);
    const scan = vi.spyOn(TokenCounter.prototype, 'scan');
    for (const style of ['xml', 'plain', 'markdown', 'json'] as const) {
      scan.mockClear();
      const r = await pack(ctx, { write: false, threads: 0, cache: false, style });
      // the text is counted once (JSON: its escaped body too), then reused for the copies
      const scansOfIt = scan.mock.calls.filter(([t]) => t.includes('hereby granted')).length;
      expect(scansOfIt).toBe(style === 'json' ? 2 : 1);
      expect(r.files.map((f) => f.path)).toEqual([
        'a/LICENSE',
        'b/LICENSE',
        'c/deep/LICENSE.md',
        'src/index.ts',
      ]);
      const lone = await pack(setup({ 'x/LICENSE': LICENSE }), {
        write: false,
        threads: 0,
        cache: false,
        style,
      });
      for (const f of r.files.slice(0, 3)) expect(f.tokens).toBe(lone.files[0]!.tokens);
      expect(r.totals.tokens).toBe(referenceTokens(r.output));
      expect(r.output.split('Permission is hereby granted').length - 1).toBe(36);
    }
    scan.mockRestore();
  });

  it('still scans a copy whose name calls for a scan (an env file) after a clean copy', async () => {
    const text = `${'# settings for the local database\n'.repeat(20)}DB_PASSWORD=kd8f7s6d5f4g\n`;
    const ctx = setup({ 'docs/notes.txt': text, 'settings.ini': text });
    const r = await pack(ctx, { write: false, threads: 0, cache: false });
    expect(r.files.map((f) => f.path)).toEqual(['docs/notes.txt']);
    expect(r.skipped).toMatchObject([{ path: 'settings.ini', reason: 'secret' }]);
  });

  it('counts copies apart when the path picks the transform (comments by language)', async () => {
    const text = `${'x = 1 # hash\ny = 2 // a longer note after two slashes\n'.repeat(60)}`;
    const ctx = setup({ 'a.py': text, 'b.js': text, 'c.py': text });
    const r = await pack(ctx, { write: false, threads: 0, cache: false, removeComments: true });
    const [py, js, py2] = r.files;
    expect(py!.tokens).toBe(py2!.tokens);
    expect(js!.tokens).not.toBe(py!.tokens);
    expect(r.totals.tokens).toBe(referenceTokens(r.output));
  });
});
