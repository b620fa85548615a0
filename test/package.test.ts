import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DOCS_URL } from '../src/cli/main.js';
import { runCli } from './support/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('the published package', () => {
  // --ignore-scripts: the list of files is what we check, not a fresh build.
  const [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }),
  ) as [{ files: { path: string }[] }];
  const files = pack.files.map((f) => f.path);
  const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8'));

  it('ships a LICENSE and no source maps', () => {
    expect(files).toContain('LICENSE');
    expect(existsSync(`${ROOT}/LICENSE`)).toBe(true);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('names its repository, homepage and issue tracker', () => {
    expect(pkg.repository?.url).toMatch(/^git\+https:\/\//);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs?.url).toMatch(/\/issues$/);
  });

  it('every docs/ link of the README is a file in the package', () => {
    const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
    const links = [...readme.matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const l of new Set(links)) expect(files, l).toContain(l);
  });

  it('--help points at the docs', async () => {
    const r = await runCli(['--help'], { cwd: ROOT });
    expect(r.stdout).toContain(`Docs: ${DOCS_URL}`);
    expect(DOCS_URL.startsWith(pkg.homepage.replace(/#readme$/, ''))).toBe(true);
  });
});
