import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../support/cli.js';
import { heavyChains, traceBin } from '../support/e2e-trace.js';
import { tempDir } from '../support/repo.js';

/**
 * STYLE habit 1 through the real binary: help must not load the AI SDK, the SQLite
 * binding, the tokenizer, secretlint, Octokit or the markdown parser. Every module the
 * process resolves is logged by a loader hook (test/support/e2e-trace-imports.mjs); a
 * failure names the import chain that pulled the package in.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let t: ReturnType<typeof tempDir>;
let n = 0;
beforeAll(() => {
  t = tempDir('specloop-e2e-startup-');
});
afterAll(() => t.cleanup());

function trace(argv: string[], cwd = t.dir) {
  return traceBin(argv, {
    cwd,
    env: { SPECLOOP_HOME: join(t.dir, 'home') },
    log: join(t.dir, `trace-${++n}.log`),
  });
}

describe('help stays light', () => {
  it('specloop --help loads none of the heavy packages', () => {
    const r = trace(['--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Usage: specloop');
    expect(r.edges.length).toBeGreaterThan(10); // the tracer really ran
    expect(heavyChains(r.edges, ROOT)).toEqual({});
  });

  it('specloop pack --help loads none of the heavy packages', () => {
    const r = trace(['pack', '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Usage: specloop pack');
    expect(heavyChains(r.edges, ROOT)).toEqual({});
  });

  it('no command help loads a heavy package', () => {
    const loaded: Record<string, Record<string, string>> = {};
    for (const cmd of [...COMMANDS.filter((c) => c !== 'pack'), 'issues post', 'templates list']) {
      const r = trace([...cmd.split(' '), '--help']);
      expect(r.code, `${cmd} --help: ${r.stderr}`).toBe(0);
      const chains = heavyChains(r.edges, ROOT);
      if (Object.keys(chains).length) loaded[cmd] = chains;
    }
    expect(loaded).toEqual({});
  });

  it('the tracer sees packages bundled into our chunks too (status → the markdown parser)', () => {
    const r = trace(['status']);
    expect(r.code, r.stderr).toBe(0);
    const chains = heavyChains(r.edges, ROOT);
    expect(chains['micromark']).toMatch(/dist\/main\.js → .*dist\/.*\.js → micromark\//);
  });

  it('the tracer does see heavy packages when a command really uses them (pack → tokenizer)', () => {
    writeFileSync(join(t.dir, 'a.js'), 'export const a = 1;\n');
    const r = trace(['pack', '--stdout']);
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(heavyChains(r.edges, ROOT))).toContain('gpt-tokenizer');
  });
});

describe('pack starts light', () => {
  const configPackages = (edges: [string, string][]) =>
    [...new Set(edges.map(([url]) => /\/node_modules\/(zod|smol-toml)\//.exec(url)?.[1]))]
      .filter(Boolean)
      .sort();

  it('without a config file, pack loads neither the schema (zod) nor the TOML parser; with one, both', () => {
    const dir = join(t.dir, 'light');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.js'), 'export const a = 1;\n');
    const bare = trace(['pack', '--stdout', '--top', '3'], dir);
    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.stdout).toContain('export const a = 1;');
    expect(configPackages(bare.edges)).toEqual([]);
    writeFileSync(join(dir, 'specloop.toml'), '[pack]\nstyle = "plain"\n');
    const withFile = trace(['pack', '--stdout'], dir);
    expect(withFile.code, withFile.stderr).toBe(0);
    expect(configPackages(withFile.edges)).toEqual(['smol-toml', 'zod']);
  });
});
