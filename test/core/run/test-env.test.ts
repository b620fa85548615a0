import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTests } from '../../../src/core/run/test-runner.js';
import { sandboxAvailable } from '../../../src/util/sandbox.js';
import { useCleanups } from '../../support/cleanups.js';
import { makeTestContext } from '../../support/context.js';

const STORED = 'sk-ant-api03-STOREDSECRETabcdefghijklmnop0123456789';

/** What the project's test command (code the agent wrote) gets to see. */
describe('the test command environment', () => {
  const cleanups = useCleanups();
  const setup = (config: Record<string, unknown> = {}) => {
    const dir = cleanups.tmp();
    const home = cleanups.tmp();
    writeFileSync(join(home, 'keys.json'), JSON.stringify({ anthropic: STORED }), { mode: 0o600 });
    const ctx = makeTestContext({
      cwd: dir,
      home,
      config,
      env: {
        OPENAI_API_KEY: 'sk-proj-ENVKEY0123456789abcdefghijkl',
        GITHUB_TOKEN: 'ghp_0123456789abcdefghijklmnopqrstuvwxyz',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz',
        SOME_SECRET: 'hunter2hunter2',
        COPY_OF_STORED: STORED,
        CI_TOKEN_FOR_TESTS: 'needed-by-the-tests',
        LANG: 'C.UTF-8',
      },
    });
    return { dir, home, ctx };
  };

  it('has no secret-named variables and no stored key under any name; passEnv and the rest stay', async () => {
    const s = setup({ test: { passEnv: ['CI_TOKEN_FOR_TESTS'] } });
    const r = await runTests(s.ctx, { cwd: s.dir, command: 'env > seen.txt', timeoutMs: 10_000 });
    expect(r.ok).toBe(true);
    const seen = readFileSync(join(s.dir, 'seen.txt'), 'utf8');
    for (const leaked of ['OPENAI_API_KEY', 'GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'SOME_SECRET', STORED])
      expect(seen).not.toContain(leaked);
    expect(seen).toContain('CI_TOKEN_FOR_TESTS=needed-by-the-tests');
    expect(seen).toContain('LANG=C.UTF-8');
  });

  const bwrap = sandboxAvailable(process.env);
  it.skipIf(!bwrap.available)(
    'sandboxed: no network, no writes outside the repo, keys.json hidden',
    async () => {
      const s = setup({ test: { sandbox: true } });
      const outside = cleanups.tmp();
      const script = [
        `cat ${JSON.stringify(join(s.home, 'keys.json'))} > keys-seen.txt 2>/dev/null || echo hidden > keys-seen.txt`,
        `touch ${JSON.stringify(join(outside, 'escaped'))} 2>/dev/null; echo inside > inside.txt`,
        `node -e "require('net').connect(80,'1.1.1.1').on('error',e=>{require('fs').writeFileSync('net.txt',e.code);process.exit(0)}).on('connect',()=>{require('fs').writeFileSync('net.txt','connected');process.exit(0)})"`,
      ].join('; ');
      const r = await runTests(s.ctx, { cwd: s.dir, command: script, timeoutMs: 20_000 });
      expect(r.ok, r.output).toBe(true);
      expect(readFileSync(join(s.dir, 'inside.txt'), 'utf8')).toBe('inside\n');
      expect(existsSync(join(outside, 'escaped'))).toBe(false);
      expect(readFileSync(join(s.dir, 'keys-seen.txt'), 'utf8')).not.toContain(STORED);
      expect(readFileSync(join(s.dir, 'net.txt'), 'utf8')).not.toBe('connected');
      expect(statSync(join(s.home, 'keys.json')).size).toBeGreaterThan(0);
    },
  );

  it('a sandbox asked for where none exists is an error, not an unsandboxed run', async () => {
    const s = setup({ test: { sandbox: true } });
    s.ctx.env.PATH = '/nonexistent';
    await expect(runTests(s.ctx, { cwd: s.dir, command: 'true', timeoutMs: 5000 })).rejects.toThrow(
      /no sandbox is available/,
    );
  });
});
