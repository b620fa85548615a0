import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIBRARY_FILES } from '../support/brownfield-fixtures.js';
import {
  CHANGE_TODO,
  changePlan,
  isPlanRequest,
  isTodoRequest,
  libraryAgent,
} from '../support/change-fixtures.js';
import { BIN } from '../support/cli.js';
import { type FakeLlm, type FakeRequest, startFakeLlm } from '../support/fake-llm-server.js';
import { git, initRepo, tempDir } from '../support/repo.js';

/**
 * The tutorial's brownfield chapter ("Loop 3"), run as written: every line of its `sh`
 * blocks goes to a real shell in a real repository holding a small library, with
 * `specloop` on PATH being the built binary, against the wire-level fake model.
 */

const TUTORIAL = readFileSync(new URL('../../docs/tutorial.md', import.meta.url), 'utf8');

function chapterCommands(): string[] {
  const start = TUTORIAL.indexOf('## Loop 3: change an existing codebase');
  const chapter = TUTORIAL.slice(start, TUTORIAL.indexOf('\n## ', start + 10) >>> 0 || undefined);
  return [...chapter.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
    m[1]!.split('\n').filter((l) => l.trim()),
  );
}

const SPEC = [
  '# tiny-case',
  '## Overview',
  'camelCase for strings (index.js).',
  '## Requirements',
  '1. camelCase("foo-bar") is "fooBar".',
  '## Architecture',
  'index.js uses words.js.',
  '## Data handling',
  'None.',
  '## Interfaces',
  '`camelCase(input)`',
  '## Error handling',
  'None.',
  '## Testing',
  '`npm test` runs test.js.',
  '## Open questions',
  '1. Unicode?',
  '',
].join('\n');

const REVIEW = '# Code review\n\n- index.js: camelCase has no sibling for PascalCase\n';

const isSpecRequest = (req: FakeRequest) =>
  (req.messages.find((m) => m.role === 'system')?.content ?? '').includes(
    'specification of an existing system',
  );

/** One shell line, asynchronously: the fake model answers from this process's event loop. */
function shell(
  line: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', line], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const BUILT = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!BUILT)('tutorial, Loop 3: spec --from-code → change → status → run --from', () => {
  const t = tempDir('specloop-e2e-brownfield-');
  const repo = join(t.dir, 'tiny-case');
  const results: { line: string; code: number | null; stdout: string; stderr: string }[] = [];
  let fake: FakeLlm;

  beforeAll(async () => {
    mkdirSync(repo);
    initRepo(repo, LIBRARY_FILES);
    const shim = join(t.dir, 'bin');
    mkdirSync(shim);
    writeFileSync(join(shim, 'specloop'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
    chmodSync(join(shim, 'specloop'), 0o755);
    fake = await startFakeLlm((req) =>
      isSpecRequest(req)
        ? SPEC
        : isPlanRequest(req)
          ? changePlan()
          : isTodoRequest(req)
            ? CHANGE_TODO
            : req.tools.length === 0
              ? REVIEW
              : libraryAgent(req),
    );
    const env = {
      PATH: `${shim}:${process.env.PATH}`,
      HOME: join(t.dir, 'home'),
      SPECLOOP_HOME: join(t.dir, 'specloop-home'),
      GIT_AUTHOR_NAME: 'Tutorial',
      GIT_AUTHOR_EMAIL: 'tutorial@example.com',
      GIT_COMMITTER_NAME: 'Tutorial',
      GIT_COMMITTER_EMAIL: 'tutorial@example.com',
      ...fake.env(),
    };
    for (const line of chapterCommands()) {
      const r = await shell(line, repo, env);
      results.push({ line, ...r });
      if (r.code !== 0) break;
    }
  }, 240_000);
  afterAll(async () => {
    await fake?.close();
    t.cleanup();
  });

  it('every command of the chapter succeeds', () => {
    expect(results.map((r) => r.line)).toEqual(chapterCommands());
    for (const r of results) expect(r.code, `${r.line}\n${r.stderr}`).toBe(0);
  });

  it('spec --from-code wrote spec.md from the code, with its commit', () => {
    const spec = readFileSync(join(repo, 'spec.md'), 'utf8');
    expect(spec).toContain('## Architecture');
    expect(spec).toMatch(/<!-- specloop: made from the code at tree [0-9a-f]{40} -->\n$/);
    expect(fake.requests.find(isSpecRequest)!.messages.at(-1)!.content).toContain(
      'export function camelCase',
    );
  });

  it('the code review is a draft in .specloop/out, never in git status', () => {
    expect(results.find((r) => r.line.startsWith('specloop task code-review'))!.stderr).toContain(
      'wrote .specloop/out/code-review.md',
    );
    expect(readFileSync(join(repo, '.specloop/out/code-review.md'), 'utf8')).toBe(REVIEW);
  });

  it('change planned with the function’s file and its test in focus', () => {
    const prompt = fake.requests.find(isPlanRequest)!.messages.at(-1)!.content;
    expect(prompt).toContain('- index.js (defines camelCase)');
    expect(prompt).toContain('- test.js (tests index.js)');
    expect(results.find((r) => r.line.startsWith('specloop status'))!.stdout).toContain(
      'changes/pascal-case.md',
    );
  });

  it('the dry run marks the test-driven step, and the run lands both steps on the branch', () => {
    const dry = results.find((r) => r.line.endsWith('--dry-run'))!.stdout;
    expect(dry).toContain('branch: specloop/pascal-case (would be created)');
    expect(dry).toContain('step 1: pascalCase in index.js (test-driven)');
    expect(dry).toMatch(/step 2: Document pascalCase\n/);
    expect(git(repo, 'branch', '--show-current')).toBe('specloop/pascal-case');
    const trailers = execFileSync(
      'git',
      ['log', '--format=%(trailers:key=Specloop-Step,valueonly)', 'main..HEAD'],
      {
        cwd: repo,
        encoding: 'utf8',
      },
    );
    expect(trailers.split('\n').filter(Boolean).sort()).toEqual(['1', '2']);
    expect(git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(readFileSync(join(repo, 'index.js'), 'utf8')).toContain('export function pascalCase');
    // The branch is the pull request: the plan and the change, nothing generated.
    expect(git(repo, 'diff', '--name-only', 'main...HEAD').split('\n').sort()).toEqual([
      'changes/pascal-case.md',
      'changes/pascal-case.todo.md',
      'index.js',
      'readme.md',
      'test.js',
    ]);
  });
});
