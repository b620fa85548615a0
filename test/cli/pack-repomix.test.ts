import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { initRepo, tempDir } from '../support/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const REPOMIX = {
  $schema: 'https://repomix.com/schemas/latest/schema.json',
  include: ['src/**', 'README.md'],
  ignore: { useGitignore: true, customPatterns: ['**/*.test.ts'] },
  output: { filePath: 'context.md', style: 'markdown', showLineNumbers: true, parsableStyle: false },
};

function setup(config: unknown = REPOMIX) {
  const repo = tempDir('specloop-pack-repomix-');
  const home = tempDir('specloop-home-');
  cleanups.push(repo.cleanup, home.cleanup);
  initRepo(repo.dir, {
    'repomix.config.json': typeof config === 'string' ? config : JSON.stringify(config, null, 2),
    'README.md': '# r\n',
    'src/a.ts': 'export const a = 1;\n',
    'src/a.test.ts': 'test\n',
    'other/b.ts': 'b\n',
  });
  const run = (argv: string[]) => runCli(argv, { cwd: repo.dir, env: { SPECLOOP_HOME: home.dir } });
  return { dir: repo.dir, run };
}

describe('repomix.config.json', () => {
  it('pack applies its selection rules and says once which settings apply', async () => {
    const { dir, run } = setup();
    const r = await run(['pack', '--json-summary', '-o', '-']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stderr);
    expect(s.files.map((f: { path: string }) => f.path)).toEqual(['src/a.ts', 'README.md']);
    expect(s.notices[0]).toMatch(/^repomix\.config\.json found: applying include and ignore\.customPatterns/);
    expect(s.notices[0]).toMatch(
      /not applying ignore\.useGitignore, output\.filePath, output\.style, output\.showLineNumbers/,
    );
    expect(s.notices[0]).toMatch(/no equivalent for output\.parsableStyle/);
    expect(r.stdout).toMatch(/^<pack /); // its output style is not applied
    const again = await run(['pack']);
    expect(again.stderr).not.toContain('repomix.config.json');
    const off = await run(['pack', '--no-dot-ignore', '--json-summary', '-o', '-']);
    expect(JSON.parse(off.stderr).files.map((f: { path: string }) => f.path)).toContain('other/b.ts');
    expect(existsSync(join(dir, 'context.md'))).toBe(false);
  });

  it('init --from-repomix converts it into [pack], which pack then uses', async () => {
    const { dir, run } = setup();
    const r = await run(['init', '--from-repomix']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('output.style → style');
    expect(r.stderr).toContain('no [pack] equivalent (left out): output.parsableStyle');
    const toml = readFileSync(join(dir, 'specloop.toml'), 'utf8');
    expect(toml).toMatch(/\[pack\]\ninclude = \["src\/\*\*","README.md"\] {2}# from repomix\.config\.json\n/);
    const p = await run(['pack']);
    expect(p.code).toBe(0);
    const md = readFileSync(join(dir, 'context.md'), 'utf8');
    expect(md).toMatch(/^# Packed repository/);
    expect(md).toContain('1: export const a = 1;');
    expect(md).not.toContain('a.test.ts');
  });

  it('a broken repomix.config.json is said, not applied; init --from-repomix refuses it', async () => {
    const { run } = setup('{ "include": [ // comment\n] }');
    const r = await run(['pack', '--json-summary', '-o', '-']);
    expect(JSON.parse(r.stderr).notices[0]).toMatch(/not valid JSON/);
    const i = await run(['init', '--from-repomix']);
    expect(i.code).toBe(2);
    expect(i.stderr).toMatch(/cannot read .*repomix\.config\.json/);
  });
});
