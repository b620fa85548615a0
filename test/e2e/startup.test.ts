import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, COMMANDS } from '../support/cli.js';
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

function trace(argv: string[]) {
  return traceBin(argv, {
    cwd: t.dir,
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

  it('the tracer does see heavy packages when a command really uses them (pack → tokenizer)', () => {
    writeFileSync(join(t.dir, 'a.js'), 'export const a = 1;\n');
    const r = trace(['pack', '--stdout']);
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(heavyChains(r.edges, ROOT))).toContain('gpt-tokenizer');
  });
});

describe('help start-up time (printed, never asserted)', () => {
  it('measures specloop --help wall time', () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [BIN, '--help'], {
        cwd: t.dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, SPECLOOP_HOME: join(t.dir, 'home') },
      });
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      expect(r.status).toBe(0);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const nodeAlone = spawnTime(['-e', '0']);
    console.log(
      `specloop --help wall time over 5 runs: median ${sorted[2]!.toFixed(0)} ms ` +
        `(min ${sorted[0]!.toFixed(0)}, max ${sorted[4]!.toFixed(0)}); bare \`node -e 0\`: ${nodeAlone.toFixed(0)} ms`,
    );
  });
});

function spawnTime(args: string[]): number {
  const start = process.hrtime.bigint();
  spawnSync(process.execPath, args);
  return Number(process.hrtime.bigint() - start) / 1e6;
}
