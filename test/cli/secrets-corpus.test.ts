import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pullIssues } from '../../src/core/github/index.js';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { makeTestContext } from '../support/context.js';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm-server.js';
import { git, initRepo, tempDir, writeFiles } from '../support/repo.js';
import { agentHandler, makeProject } from '../support/run-fixtures.js';
import { type PlantedSecret, plantedSecrets } from '../support/secret-corpus.js';

/**
 * The planted-secrets corpus through every path that puts repo text into a prompt or a
 * file: the count of secrets that get through is 0 on each, with default settings.
 */
describe('planted secrets never reach a pack, a prompt or a log', () => {
  const cleanups = useCleanups();
  let corpus: PlantedSecret[];
  const files = () => Object.fromEntries(corpus.map((c) => [c.path, c.content]));
  const leaked = (text: string) => corpus.filter((c) => text.includes(c.needle)).map((c) => c.kind);
  beforeAll(() => {
    corpus = plantedSecrets();
  });

  it('the corpus has at least 46 kinds, each with a distinct file', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(46);
    expect(new Set(corpus.map((c) => c.path)).size).toBe(corpus.length);
  });

  it.each(['xml', 'markdown', 'plain', 'json'])(
    'pack --style %s: 0 leaked, every planted file left out',
    async (style) => {
      const t = tempDir();
      cleanups.push(t.cleanup);
      initRepo(t.dir, { ...files(), 'src/ok.js': 'export const ok = 1; // MARKER-OK\n' });
      const r = await runCli(['pack', '--stdout', '--style', style], {
        cwd: t.dir,
        env: { SPECLOOP_HOME: join(t.dir, '.home') },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('MARKER-OK');
      expect(leaked(r.stdout)).toEqual([]);
      for (const c of corpus)
        expect(r.stdout.includes(`${c.path}"`) && r.stdout.includes(c.needle)).toBe(false);
    },
  );

  const withFake = async (replies: Parameters<typeof startFakeLlm>[0]): Promise<FakeLlm> => {
    const f = await startFakeLlm(replies);
    cleanups.push(() => f.close());
    return f;
  };
  const sent = (f: FakeLlm) => f.requests.map((r) => r.messages.map((m) => m.content).join('\n')).join('\n');

  it('task code-review: the prompt and logs.db hold 0 of them', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const home = join(t.dir, '.home');
    initRepo(t.dir, { ...files(), '.gitignore': '.home/\n', 'src/ok.js': 'export const ok = 1;\n' });
    const f = await withFake(['# Review\n\nFine.\n']);
    const r = await runCli(['task', 'code-review'], { cwd: t.dir, env: { SPECLOOP_HOME: home, ...f.env() } });
    expect(r.code, r.stderr).toBe(0);
    expect(f.requests).toHaveLength(1);
    expect(leaked(sent(f))).toEqual([]);
    const logs = await runCli(['logs', '--json', '-n', '5'], { cwd: t.dir, env: { SPECLOOP_HOME: home } });
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('code-review');
    expect(leaked(logs.stdout)).toEqual([]);
  });

  it.each([
    ['default settings', ''],
    ['[pack] securityCheck = false', '[pack]\nsecurityCheck = false\n'],
  ])(
    'the retry prompt (%s): 0 of them, though the failing tests name and print the files',
    async (_name, toml) => {
      const t = tempDir();
      cleanups.push(t.cleanup);
      // A test command that fails, naming every planted file and printing two of them.
      const cmd = 'for f in $(git ls-files); do echo "at $f:1"; done; cat config/app.ini src/aws.js; exit 1';
      const dir = makeProject(t.dir, {
        titles: ['Only'],
        testCommand: cmd,
        toml: `${toml}\n[run]\nmaxAttempts = 2\n`,
      });
      writeFiles(dir, files());
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', 'secrets');
      const f = await withFake(agentHandler());
      const r = await runCli(['run', '--allow-red'], {
        cwd: dir,
        env: { SPECLOOP_HOME: join(dir, '.home'), ...f.env() },
      });
      expect(r.code).toBe(1);
      const retry = f.requests.filter((q) =>
        /This is attempt 2 of/.test(q.messages.map((m) => m.content).join('\n')),
      );
      expect(retry.length).toBeGreaterThan(0);
      const text = sent(f);
      expect(text).toContain('at src/aws.js:1');
      expect(text).toMatch(/\[secret removed: /);
      expect(leaked(text)).toEqual([]);
    },
  );

  it('issues pulled from GitHub: a secret pasted into an issue body is cut from the plan', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const ctx = makeTestContext({ cwd: t.dir, config: { github: { repo: 'acme/app' } } });
    const issues = corpus.map((c, i) => ({
      number: i + 1,
      title: `Issue ${i + 1}`,
      body: `It fails with this config:\n\n${c.content}\nPlease fix.`,
      url: `https://github.com/acme/app/issues/${i + 1}`,
      labels: [],
    }));
    const api = { listOpenIssues: async () => issues, createIssue: async () => issues[0]! };
    const r = await pullIssues(ctx, { api });
    expect(r.text).toContain('Please fix.');
    expect(leaked(r.text)).toEqual([]);
  });
});
