import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeTool, type ToolSession } from '../../../src/core/run/executors/builtin/tools.js';
import { tempDir, writeFiles } from '../../support/repo.js';

describe('builtin agent tools', () => {
  let s: ToolSession;
  let cleanup: () => void;
  beforeEach(() => {
    const t = tempDir();
    cleanup = t.cleanup;
    writeFiles(t.dir, {
      'src/a.js': 'let x = 1;\nlet y = 1;\n',
      '.git/config': '',
      'node_modules/m/i.js': '',
    });
    s = { root: t.dir, seen: new Set(), runTests: async () => ({ ok: false, output: 'boom' }) };
  });
  afterEach(() => cleanup());
  const file = (p: string) => readFileSync(join(s.root, p), 'utf8');

  it('list_files lists the repo without .git and node_modules', async () => {
    expect((await executeTool(s, 'list_files', {})).output).toBe('src/a.js');
    expect((await executeTool(s, 'list_files', { path: 'src' })).output).toBe('src/a.js');
  });

  it('read_file returns the text; a missing file is an error result', async () => {
    expect((await executeTool(s, 'read_file', { path: 'src/a.js' })).output).toBe('let x = 1;\nlet y = 1;\n');
    expect(await executeTool(s, 'read_file', { path: 'nope.js' })).toMatchObject({
      isError: true,
      output: 'nope.js does not exist',
    });
  });

  it('read_file refuses binary files', async () => {
    writeFileSync(join(s.root, 'img.png'), Buffer.from([137, 80, 78, 71, 0, 0, 1]));
    expect(await executeTool(s, 'read_file', { path: 'img.png' })).toMatchObject({
      isError: true,
      output: 'img.png is a binary file',
    });
  });

  it('write_file creates folders and reports what it wrote', async () => {
    const r = await executeTool(s, 'write_file', { path: 'lib/deep/b.js', content: 'b\n' });
    expect(r).toMatchObject({ wrote: 'lib/deep/b.js' });
    expect(file('lib/deep/b.js')).toBe('b\n');
  });

  it('write_file and edit_file keep an executable script executable', async () => {
    writeFiles(s.root, { 'bin/run.sh': '#!/bin/sh\necho 1\n' });
    chmodSync(join(s.root, 'bin/run.sh'), 0o755);
    await executeTool(s, 'write_file', { path: 'bin/run.sh', content: '#!/bin/sh\necho 2\n' });
    expect(statSync(join(s.root, 'bin/run.sh')).mode & 0o777).toBe(0o755);
    await executeTool(s, 'edit_file', { path: 'bin/run.sh', old_string: 'echo 2', new_string: 'echo 3' });
    expect(file('bin/run.sh')).toBe('#!/bin/sh\necho 3\n');
    expect(statSync(join(s.root, 'bin/run.sh')).mode & 0o777).toBe(0o755);
  });

  it('edit_file needs the file read first', async () => {
    const r = await executeTool(s, 'edit_file', {
      path: 'src/a.js',
      old_string: 'x = 1',
      new_string: 'x = 2',
    });
    expect(r).toMatchObject({ isError: true, output: 'read src/a.js with read_file before editing it' });
    expect(file('src/a.js')).toBe('let x = 1;\nlet y = 1;\n');
  });

  it('edit_file replaces one exact match; missing or ambiguous matches are errors and change nothing', async () => {
    await executeTool(s, 'read_file', { path: 'src/a.js' });
    expect(
      (await executeTool(s, 'edit_file', { path: 'src/a.js', old_string: 'z = 1', new_string: 'q' })).output,
    ).toMatch(/not found/);
    expect(
      (await executeTool(s, 'edit_file', { path: 'src/a.js', old_string: '= 1', new_string: '= 2' })).output,
    ).toMatch(/occurs 2 times/);
    expect(file('src/a.js')).toBe('let x = 1;\nlet y = 1;\n');
    expect(
      (await executeTool(s, 'edit_file', { path: 'src/a.js', old_string: 'x = 1', new_string: 'x = $&2' }))
        .isError,
    ).toBeUndefined();
    expect(file('src/a.js')).toBe('let x = $&2;\nlet y = 1;\n'); // replacement text taken literally
  });

  it('edit_file with replace_all replaces every match', async () => {
    await executeTool(s, 'read_file', { path: 'src/a.js' });
    await executeTool(s, 'edit_file', {
      path: 'src/a.js',
      old_string: '= 1',
      new_string: '= 3',
      replace_all: true,
    });
    expect(file('src/a.js')).toBe('let x = 3;\nlet y = 3;\n');
  });

  it('unknown tools and invalid arguments are flagged invalid, with a message the model can act on', async () => {
    expect(await executeTool(s, 'delete_everything', {})).toMatchObject({
      invalid: true,
      output: expect.stringMatching(/unknown tool "delete_everything"; available: list_files/),
    });
    expect(await executeTool(s, 'write_file', { path: 'x' })).toMatchObject({
      invalid: true,
      output: expect.stringMatching(/invalid arguments for write_file: content/),
    });
    expect(await executeTool(s, 'read_file', 'not an object')).toMatchObject({ invalid: true });
  });

  it('run_tests reports the outcome; finish ends with the summary', async () => {
    expect((await executeTool(s, 'run_tests', {})).output).toBe('FAILED\nboom');
    expect(await executeTool(s, 'finish', { summary: 'did it' })).toMatchObject({
      finished: { summary: 'did it' },
    });
  });

  it('refusals of the path gate come back as error results', async () => {
    expect(await executeTool(s, 'write_file', { path: '.git/config', content: 'x' })).toMatchObject({
      isError: true,
      output: expect.stringMatching(/\.git/),
    });
    expect(await executeTool(s, 'list_files', { path: '..' })).toMatchObject({ isError: true });
    expect(file('.git/config')).toBe('');
  });
});
